// Resource arithmetic the master and allocator rely on: scalars (3 decimal digits, as Mesos) and
// inclusive ranges (ports), their v1/v0 JSON forms, and the agent flag syntax for resources/attributes.
import type { Attribute, Range, Resource } from './v1.js';

/** A bag of resources: scalars by name and normalised (sorted, merged) ranges by name. */
export interface Resources {
  readonly scalars: Readonly<Record<string, number>>;
  readonly ranges: Readonly<Record<string, readonly Range[]>>;
}

export const EMPTY_RESOURCES: Resources = { scalars: {}, ranges: {} };

/** The scalars that dominant shares are computed over, and that v0 JSON always shows. */
export const SHARE_RESOURCES = ['cpus', 'mem', 'disk'] as const;

const roundScalar = (v: number): number => Math.round(v * 1000) / 1000;

// ---- ranges ----

/** Sorted, with overlapping and adjacent ranges merged. */
export function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

export function addRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  return normalizeRanges([...a, ...b]);
}

export function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  let left = normalizeRanges(a);
  for (const cut of b) {
    left = left.flatMap((r) => {
      if (cut.end < r.begin || cut.begin > r.end) return [r];
      const pieces: Range[] = [];
      if (cut.begin > r.begin) pieces.push({ begin: r.begin, end: cut.begin - 1 });
      if (cut.end < r.end) pieces.push({ begin: cut.end + 1, end: r.end });
      return pieces;
    });
  }
  return left;
}

/** Whether every number in `b` lies in `a`. */
export function rangesContain(a: readonly Range[], b: readonly Range[]): boolean {
  const outer = normalizeRanges(a);
  return b.every((r) => outer.some((o) => o.begin <= r.begin && r.end <= o.end));
}

/** Mesos text form: `[31000-31005, 31010-31010]`. */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
}

function parseRanges(text: string): Range[] {
  const inner = /^\[(.*)\]$/.exec(text.trim())?.[1];
  if (inner === undefined) throw new Error(`invalid ranges '${text}'`);
  const ranges = inner
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
      if (m === null) throw new Error(`invalid range '${part.trim()}' in '${text}'`);
      return { begin: Number(m[1]), end: Number(m[2]) };
    });
  if (ranges.some((r) => r.begin > r.end)) throw new Error(`range with begin after end in '${text}'`);
  return normalizeRanges(ranges);
}

// ---- bags ----

export function isEmptyResources(r: Resources): boolean {
  return Object.values(r.scalars).every((v) => v <= 0) && Object.values(r.ranges).every((rs) => rs.length === 0);
}

export function scalarOf(r: Resources, name: string): number {
  return r.scalars[name] ?? 0;
}

function combine(a: Resources, b: Resources, sign: 1 | -1): Resources {
  const scalars: Record<string, number> = { ...a.scalars };
  for (const [name, v] of Object.entries(b.scalars)) {
    const next = roundScalar((scalars[name] ?? 0) + sign * v);
    if (next > 0) scalars[name] = next;
    else delete scalars[name];
  }
  const ranges: Record<string, Range[]> = {};
  for (const name of new Set([...Object.keys(a.ranges), ...Object.keys(b.ranges)])) {
    const left = a.ranges[name] ?? [];
    const right = b.ranges[name] ?? [];
    const next = sign === 1 ? addRanges(left, right) : subtractRanges(left, right);
    if (next.length > 0) ranges[name] = next;
  }
  return { scalars, ranges };
}

export function addResources(a: Resources, b: Resources): Resources {
  return combine(a, b, 1);
}

/** `a` minus `b`; scalars that would go negative are dropped (callers check containment first). */
export function subtractResources(a: Resources, b: Resources): Resources {
  return combine(a, b, -1);
}

export function sumResources(list: Iterable<Resources>): Resources {
  let total = EMPTY_RESOURCES;
  for (const r of list) total = addResources(total, r);
  return total;
}

/** Whether `b` fits in `a`. */
export function containsResources(a: Resources, b: Resources): boolean {
  const scalarsFit = Object.entries(b.scalars).every(([name, v]) => roundScalar(scalarOf(a, name) - v) >= 0);
  return scalarsFit && Object.entries(b.ranges).every(([name, rs]) => rangesContain(a.ranges[name] ?? [], rs));
}

// ---- v1 JSON ----

/** Why a v1 resource list is unusable, or null. Sets are not supported by this master. */
export function invalidResources(list: readonly Resource[]): string | null {
  for (const r of list) {
    if (r.type === 'SCALAR' && !(Number.isFinite(r.scalar?.value) && (r.scalar?.value ?? -1) >= 0)) {
      return `Invalid scalar resource '${r.name}'`;
    }
    if (
      r.type === 'RANGES' &&
      !(r.ranges?.range ?? []).every((x) => Number.isInteger(x.begin) && Number.isInteger(x.end) && x.begin <= x.end)
    ) {
      return `Invalid ranges resource '${r.name}'`;
    }
    if (r.type === 'SET') return `Set resource '${r.name}' is not supported`;
  }
  return null;
}

export function resourcesFromV1(list: readonly Resource[]): Resources {
  return sumResources(
    list.map((r): Resources => {
      switch (r.type) {
        case 'SCALAR':
          return { scalars: { [r.name]: roundScalar(r.scalar?.value ?? 0) }, ranges: {} };
        case 'RANGES':
          return { scalars: {}, ranges: { [r.name]: normalizeRanges(r.ranges?.range ?? []) } };
        case 'SET':
          return EMPTY_RESOURCES;
      }
    }),
  );
}

/** Unreserved v1 resources; `allocatedTo` adds `allocation_info` as offers and MULTI_ROLE launches carry. */
export function resourcesToV1(r: Resources, allocatedTo?: string): Resource[] {
  const allocation = allocatedTo === undefined ? {} : { allocation_info: { role: allocatedTo } };
  const scalars = Object.entries(r.scalars).map(
    ([name, value]): Resource => ({ name, type: 'SCALAR', scalar: { value }, role: '*', ...allocation }),
  );
  const ranges = Object.entries(r.ranges).map(
    ([name, range]): Resource => ({
      name,
      type: 'RANGES',
      ranges: { range: range.map((x) => ({ ...x })) },
      role: '*',
      ...allocation,
    }),
  );
  return [...scalars, ...ranges];
}

/** The collapsed object of v0 endpoints: cpus, gpus, mem, disk always present; ranges as text. */
export function resourcesToV0(r: Resources): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
  for (const [name, v] of Object.entries(r.scalars)) out[name] = v;
  for (const [name, rs] of Object.entries(r.ranges)) out[name] = formatRanges(rs);
  return out;
}

/** As Mesos logs resources: `cpus:2; mem:1024; ports:[31000-32000]`. */
export function formatResources(r: Resources): string {
  const parts = [
    ...Object.entries(r.scalars).map(([name, v]) => `${name}:${v}`),
    ...Object.entries(r.ranges).map(([name, rs]) => `${name}:${formatRanges(rs)}`),
  ];
  return parts.join('; ');
}

// ---- agent flag syntax ----

function splitPairs(text: string, what: string): [string, string][] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf(':');
      if (at <= 0) throw new Error(`invalid ${what} '${part}' (expected name:value)`);
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    });
}

/** `--resources='cpus:4;mem:8192;disk:20000;ports:[31000-32000]'` as v1 resources. */
export function parseResourceText(text: string): Resource[] {
  return splitPairs(text, 'resource').map(([name, value]): Resource => {
    if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value) }, role: '*' };
    const scalar = Number(value);
    if (value === '' || !Number.isFinite(scalar) || scalar < 0)
      throw new Error(`invalid value '${value}' for resource '${name}'`);
    return { name, type: 'SCALAR', scalar: { value: roundScalar(scalar) }, role: '*' };
  });
}

/** `--attributes='rack:r1;level:10;keys:[1000-1500]'` as v1 attributes (text, scalar or ranges). */
export function parseAttributeText(text: string): Attribute[] {
  return splitPairs(text, 'attribute').map(([name, value]): Attribute => {
    if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value) } };
    const scalar = Number(value);
    if (value !== '' && Number.isFinite(scalar)) return { name, type: 'SCALAR', scalar: { value: scalar } };
    return { name, type: 'TEXT', text: { value } };
  });
}

/** The flat object master state shows: `{"rack":"r1","level":10}`. */
export function attributesToV0(attributes: readonly Attribute[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const a of attributes) {
    switch (a.type) {
      case 'TEXT':
        out[a.name] = a.text?.value ?? '';
        break;
      case 'SCALAR':
        out[a.name] = a.scalar?.value ?? 0;
        break;
      case 'RANGES':
        out[a.name] = formatRanges(a.ranges?.range ?? []);
        break;
      case 'SET':
        out[a.name] = `{${(a.set?.item ?? []).join(', ')}}`;
        break;
    }
  }
  return out;
}
