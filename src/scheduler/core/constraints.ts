// Marathon placement constraints (UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS) on an agent's
// hostname, fault domain (@region, @zone) and attributes, and the instances scale-down removes to honour them.
import type { Attribute, Offer } from '../../master/core/v1.js';
import type { AppDefinition, Constraint } from './app-types.js';

/** An instance of the app as placement sees it: where it runs. */
export interface PlacedInstance {
  instanceId: string;
  agentId: string;
  hostname: string;
  attributes: Record<string, string>;
}

/** What a constraint field is read from: an offer's agent or a placed instance's. */
interface Agent {
  hostname: string;
  attributes: Record<string, string>;
}

/** Mesos's DomainInfo as an offer may carry it (not every master sends one). */
interface FaultDomain {
  domain?: { fault_domain?: { region?: { name: string }; zone?: { name: string } } };
}

/** Constraint fields that read the fault domain; agentAttributes files them under these names. */
const REGION = '@region';
const ZONE = '@zone';

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The text Marathon compares an attribute by: scalars with up to 3 decimals, ranges `[a-b,c-d]`, sets `{a,b}`. */
export function attributeText(attribute: Attribute): string {
  switch (attribute.type) {
    case 'TEXT':
      return attribute.text?.value ?? '';
    case 'SCALAR':
      return String(round3(attribute.scalar?.value ?? 0));
    case 'RANGES': {
      const ranges = [...(attribute.ranges?.range ?? [])].sort((a, b) => a.begin - b.begin);
      return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(',')}]`;
    }
    case 'SET':
      return `{${[...(attribute.set?.item ?? [])].sort().join(',')}}`;
  }
}

/**
 * Text of an offer's attributes (text, scalar with up to 3 decimals, ranges `[a-b,c-d]`, set `{a,b}`),
 * plus `@region` / `@zone` when the offer names its agent's fault domain.
 */
export function agentAttributes(offer: Offer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of offer.attributes) out[a.name] = attributeText(a);
  const domain = (offer as Offer & FaultDomain).domain?.fault_domain;
  if (domain?.region !== undefined) out[REGION] = domain.region.name;
  if (domain?.zone !== undefined) out[ZONE] = domain.zone.name;
  return out;
}

const isHostnameField = (field: string): boolean => field === 'hostname' || field === '@hostname';

function fieldValue(field: string, agent: Agent): string | undefined {
  return isHostnameField(field) ? agent.hostname : agent.attributes[field];
}

/** Java's `String.toInt` plus Marathon's `inf`; undefined when the text is no integer. */
function intValue(text: string): number | undefined {
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** Java's `String.matches`: the whole text must match; an invalid pattern matches nothing. */
function fullMatch(text: string, pattern: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return false;
  }
}

/** Instances per field value (instances lacking the field form one group of their own). */
function groupSizes(values: readonly (string | undefined)[]): Map<string | undefined, number> {
  const sizes = new Map<string | undefined, number>();
  for (const v of values) sizes.set(v, (sizes.get(v) ?? 0) + 1);
  return sizes;
}

/** GROUP_BY: a new value is always fine; a known one only if it is among the smallest groups and enough groups exist. */
function evenSpread(own: string, others: readonly (string | undefined)[], value: string): boolean {
  const minimum = Math.max(0, intValue(value) ?? 0);
  const sizes = groupSizes(others);
  const mine = sizes.get(own);
  return mine === undefined || (sizes.size >= minimum && mine === Math.min(...sizes.values()));
}

/** IS: hostname and domain fields as text; attributes only TEXT (equal) or SCALAR (equal to 3 decimals). */
function isValue(field: string, offer: Offer, own: string, value: string): boolean {
  const attribute = isHostnameField(field) ? undefined : offer.attributes.find((a) => a.name === field);
  if (attribute === undefined) return own === value;
  switch (attribute.type) {
    case 'TEXT':
      return own === value;
    case 'SCALAR':
      return (
        value.trim() !== '' &&
        Number.isFinite(Number(value)) &&
        round3(Number(value)) === round3(attribute.scalar?.value ?? 0)
      );
    case 'RANGES':
    case 'SET':
      return false;
  }
}

function meets(constraint: Constraint, offer: Offer, agent: Agent, placed: readonly PlacedInstance[]): boolean {
  const [field, operator, value = ''] = constraint;
  const own = fieldValue(field, agent);
  // Only UNLIKE accepts an agent that lacks the field.
  if (own === undefined) return operator === 'UNLIKE';
  const others = placed.map((p) => fieldValue(field, p));
  switch (operator) {
    case 'UNIQUE':
      return !others.includes(own);
    case 'CLUSTER':
      return (value === '' || value === own) && others.every((v) => v === own);
    case 'GROUP_BY':
      return evenSpread(own, others, value);
    case 'MAX_PER':
      return others.filter((v) => v === own).length < (intValue(value) ?? 0);
    case 'LIKE':
      return fullMatch(own, value);
    case 'UNLIKE':
      return !fullMatch(own, value);
    case 'IS':
      return isValue(field, offer, own, value);
  }
}

/** Whether one more instance of `app` may go on this offer's agent, given the app's instances already placed (active ones). */
export function offerMeetsConstraints(app: AppDefinition, offer: Offer, placed: readonly PlacedInstance[]): boolean {
  const agent = { hostname: offer.hostname, attributes: agentAttributes(offer) };
  return app.constraints.every((c) => meets(c, offer, agent, placed));
}

/** Instance ids grouped by their value of `field`, in order of first appearance. */
function groupIds(instances: readonly PlacedInstance[], field: string): string[][] {
  const groups = new Map<string | undefined, string[]>();
  for (const i of instances) {
    const key = fieldValue(field, i);
    const ids = groups.get(key) ?? [];
    ids.push(i.instanceId);
    groups.set(key, ids);
  }
  return [...groups.values()];
}

/** MAX_PER: every instance beyond the allowed number on one field value. */
function maxPerSurplus(instances: readonly PlacedInstance[], [field, , value = '']: Constraint): string[] {
  const max = intValue(value) ?? 0;
  return groupIds(instances, field).flatMap((ids) => ids.slice(0, Math.max(0, ids.length - max)));
}

/** Largest minus smallest group once `without` is gone (an emptied group counts as 0). */
function difference(groups: readonly string[][], without: ReadonlySet<string>): number {
  const sizes = groups.map((ids) => ids.filter((id) => !without.has(id)).length);
  return Math.max(...sizes) - Math.min(...sizes);
}

/** Ids in the largest groups of an uneven GROUP_BY distribution; none when it is even. */
function largestGroupIds(groups: readonly string[][], without: ReadonlySet<string>): string[] {
  const left = groups.map((ids) => ids.filter((id) => !without.has(id)));
  const sizes = left.map((ids) => ids.length);
  const max = Math.max(...sizes);
  if (max === Math.min(...sizes)) return [];
  return left.filter((ids) => ids.length === max).flat();
}

/** Removing `id` keeps every distribution even enough: a difference of at most 1, or smaller than before. */
function keepsEven(distributions: readonly string[][][], chosen: ReadonlySet<string>, id: string): boolean {
  const after = new Set([...chosen, id]);
  return distributions.every((groups) => {
    const diff = difference(groups, after);
    return diff <= 1 || difference(groups, new Set()) > diff;
  });
}

function nextGroupByVictim(
  distributions: readonly string[][][],
  chosen: ReadonlySet<string>,
  order: ReadonlyMap<string, number>,
): string | undefined {
  const byUnevenness = [...distributions].sort((a, b) => difference(b, chosen) - difference(a, chosen));
  for (const groups of byUnevenness) {
    const candidates = largestGroupIds(groups, chosen).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const found = candidates.find((id) => keepsEven(distributions, chosen, id));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Up to `count` instance ids whose removal is needed to satisfy GROUP_BY / MAX_PER (picked first on
 * scale-down, reference §7 item 2); may return fewer. MAX_PER surplus goes first, then instances from the
 * largest groups of uneven GROUP_BY spreads. Within a group the earliest in `instances` goes first, so
 * callers pass instances in their kill preference order.
 */
export function constraintVictims(app: AppDefinition, instances: readonly PlacedInstance[], count: number): string[] {
  if (instances.length === 0) return [];
  const chosen = new Set<string>();
  const surplus = app.constraints.filter((c) => c[1] === 'MAX_PER').flatMap((c) => maxPerSurplus(instances, c));
  for (const id of surplus) if (chosen.size < count) chosen.add(id);
  const order = new Map(instances.map((i, index) => [i.instanceId, index]));
  const distributions = app.constraints.filter((c) => c[1] === 'GROUP_BY').map(([field]) => groupIds(instances, field));
  while (chosen.size < count) {
    const next = nextGroupByVictim(distributions, chosen, order);
    if (next === undefined) break;
    chosen.add(next);
  }
  return [...chosen];
}
