// ACLs and auth schemes as a ZooKeeper server applies them: the world/auth/digest/ip/super schemes,
// ACL checks (checkACL), ACL validation at create/setACL (fixupACL) and auth packet handling.

import { createHash } from 'node:crypto';
import { Err, Perms, type ACL, type Id, type RequestACL } from '../wire/records.js';

const ANYONE: Id = { scheme: 'world', id: 'anyone' };
export const OPEN_ACL_UNSAFE: readonly ACL[] = [{ perms: Perms.ALL, id: ANYONE }];
export const READ_ACL_UNSAFE: readonly ACL[] = [{ perms: Perms.READ, id: ANYONE }];

/** The list to store for `acl`: one of the shared constants when it equals one, so most nodes hold no list of their own. */
export function sharedACL(acl: readonly ACL[]): readonly ACL[] {
  for (const common of [OPEN_ACL_UNSAFE, READ_ACL_UNSAFE]) {
    if (acl.length === common.length && acl.every((a, i) => sameACL(a, common[i] as ACL))) return common;
  }
  return [...acl];
}

/** Schemes with a server-side provider (ZooKeeper's ProviderRegistry defaults). */
type ProviderScheme = 'digest' | 'ip';
const isProviderScheme = (scheme: string): scheme is ProviderScheme => scheme === 'digest' || scheme === 'ip';

/** `user:BASE64(SHA1("user:password"))` — the digest scheme's id for an `user:password` credential. */
export function digestId(userPassword: string): string {
  const user = userPassword.split(':', 1)[0] ?? '';
  const hash = createHash('sha1').update(userPassword, 'utf8').digest('base64');
  return `${user}:${hash}`;
}

export interface AuthContext {
  /** The client's address (every session implicitly holds `ip:<addr>`). */
  ip: string;
  /** `super:<hash>` as digestId makes it; a session authenticated as it bypasses every ACL. */
  superDigest?: string;
}

/** The ids an auth packet adds to a session, or null for AuthFailed (unknown scheme, digest without credentials). */
export function authenticate(scheme: string | null, auth: Buffer | null, ctx: AuthContext): Id[] | null {
  if (scheme === 'ip') return [{ scheme: 'ip', id: ctx.ip }];
  if (scheme !== 'digest' || auth === null) return null;
  const id = digestId(auth.toString('utf8'));
  const digest: Id = { scheme: 'digest', id };
  return ctx.superDigest !== undefined && id === ctx.superDigest ? [{ scheme: 'super', id: '' }, digest] : [digest];
}

/** Whether a session holding `ids` may do `perm` on a node with `acl` (any bit of `perm` suffices). */
export function checkACL(acl: readonly ACL[], perm: number, ids: readonly Id[]): boolean {
  if (acl.length === 0) return true;
  if (ids.some((i) => i.scheme === 'super')) return true;
  return acl.some((a) => (a.perms & perm) !== 0 && grants(a.id, ids));
}

function grants(aclId: Id, ids: readonly Id[]): boolean {
  if (aclId.scheme === 'world' && aclId.id === 'anyone') return true;
  const scheme = aclId.scheme;
  if (!isProviderScheme(scheme)) return false;
  return ids.some((i) => i.scheme === scheme && matches(scheme, i.id, aclId.id));
}

function matches(scheme: ProviderScheme, id: string, aclExpr: string): boolean {
  switch (scheme) {
    case 'digest':
      return id === aclExpr;
    case 'ip':
      return ipMatches(id, aclExpr);
    default: {
      const never: never = scheme;
      return never;
    }
  }
}

/** What fixupACL refuses a list with: InvalidACL, or MarshallingError where ZooKeeper trips over a null. */
export type ACLError = typeof Err.InvalidACL | typeof Err.MarshallingError;

/**
 * The ACL list stored for a create/setACL, judged as ZooKeeper's fixupACL does: duplicates removed,
 * `auth` expanded to the session's authenticated ids. InvalidACL for a null or empty list, a null
 * scheme, `auth` without authenticated ids, an unknown scheme or a malformed id; MarshallingError
 * where ZooKeeper dereferences a null (a null id of world, digest or ip; a null compared for duplicates).
 */
export function fixupACL(acl: readonly RequestACL[] | null, ids: readonly Id[]): ACL[] | ACLError {
  const unique = withoutDuplicates(acl ?? []);
  if (typeof unique === 'number') return unique;
  if (unique.length === 0) return Err.InvalidACL;
  const out: ACL[] = [];
  for (const a of unique) {
    const expanded = fixupOne(a, ids);
    if (typeof expanded === 'number') return expanded;
    out.push(...expanded);
  }
  return out;
}

/** First occurrences, compared as jute's generated equals does (which throws on some nulls). */
function withoutDuplicates(acl: readonly RequestACL[]): RequestACL[] | ACLError {
  const kept: RequestACL[] = [];
  for (const a of acl) {
    const seen = kept.map((k) => javaEquals(a, k));
    if (seen.includes('null')) return Err.MarshallingError;
    if (!seen.includes(true)) kept.push(a);
  }
  return kept;
}

/** ACL.equals: perms, then scheme.equals, then id.equals — 'null' where the receiver's field is null. */
function javaEquals(a: RequestACL, b: RequestACL): boolean | 'null' {
  if (a.perms !== b.perms) return false;
  if (a.id.scheme === null) return 'null';
  if (a.id.scheme !== b.id.scheme) return false;
  return a.id.id === null ? 'null' : a.id.id === b.id.id;
}

function fixupOne(a: RequestACL, ids: readonly Id[]): ACL[] | ACLError {
  const { scheme, id } = a.id;
  if (scheme === null) return Err.InvalidACL;
  if (scheme === 'auth') {
    const authenticated = ids.filter((i) => i.scheme === 'digest');
    return authenticated.length === 0 ? Err.InvalidACL : authenticated.map((i) => ({ perms: a.perms, id: { ...i } }));
  }
  if (id === null) return scheme === 'world' || isProviderScheme(scheme) ? Err.MarshallingError : Err.InvalidACL;
  if (scheme === 'world' && id === 'anyone') return [{ perms: a.perms, id: { scheme, id } }];
  return isValidId(scheme, id) ? [{ perms: a.perms, id: { scheme, id } }] : Err.InvalidACL;
}

function isValidId(scheme: string, id: string): boolean {
  switch (scheme) {
    case 'digest':
      return javaSplit(id, ':').length === 2;
    case 'ip':
      return parseIpSpec(id) !== null;
    default:
      return false;
  }
}

const sameACL = (a: ACL, b: ACL): boolean => a.perms === b.perms && a.id.scheme === b.id.scheme && a.id.id === b.id.id;

/** String.split as Java does it: trailing empty strings are dropped. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** What getACL shows a caller without ADMIN: digest hashes replaced by `x`. */
export function redactDigests(acl: readonly ACL[]): ACL[] {
  return acl.map((a) =>
    a.id.scheme === 'digest' ? { perms: a.perms, id: { scheme: 'digest', id: a.id.id.replace(/:.*/s, ':x') } } : a,
  );
}

/** whoAmI's view of a session's ids: scheme and user name, for schemes with a provider. */
export function clientInfo(ids: readonly Id[]): { authScheme: string; user: string }[] {
  return ids
    .filter((i) => isProviderScheme(i.scheme))
    .map((i) => ({ authScheme: i.scheme, user: i.scheme === 'digest' ? (i.id.split(':', 1)[0] ?? '') : i.id }));
}

/** An IPv4 address, as 4 bytes, or null. */
function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : -1));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** `a.b.c.d` or `a.b.c.d/bits` → address bytes and prefix length, or null when malformed. */
function parseIpSpec(spec: string): { addr: number[]; bits: number } | null {
  const slash = spec.indexOf('/');
  const addr = parseIPv4(slash < 0 ? spec : spec.slice(0, slash));
  if (addr === null) return null;
  if (slash < 0) return { addr, bits: 32 };
  const bitsText = spec.slice(slash + 1);
  const bits = /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : -1;
  return bits >= 0 && bits <= 32 ? { addr, bits } : null;
}

/** Whether the client address `ip` falls inside the ACL's `a.b.c.d[/bits]`. */
export function ipMatches(ip: string, aclExpr: string): boolean {
  const spec = parseIpSpec(aclExpr);
  const remote = parseIPv4(ip);
  if (spec === null || remote === null) return false;
  return spec.addr.every((byte, i) => {
    const keep = Math.max(0, Math.min(8, spec.bits - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    return (byte & mask) === ((remote[i] ?? 0) & mask);
  });
}
