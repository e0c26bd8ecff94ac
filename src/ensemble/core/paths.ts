// znode path rules (ZooKeeper's PathUtils): what a valid path is, parent/child names and the
// sequential suffix a create appends.

/** Why `path` is not a valid znode path, or null when it is. */
export function invalidPathReason(path: string): string | null {
  if (path.length === 0) return 'Path length must be > 0';
  if (path[0] !== '/') return 'Path must start with / character';
  if (path.length === 1) return null;
  if (path.endsWith('/')) return 'Path must not end with / character';
  for (let i = 1; i < path.length; i++) {
    const reason = invalidCharReason(path, i);
    if (reason !== null) return `Invalid path string "${path}" caused by ${reason} @${i}`;
  }
  return null;
}

export const isValidPath = (path: string): boolean => invalidPathReason(path) === null;

function invalidCharReason(path: string, i: number): string | null {
  const ch = path[i];
  const prev = path[i - 1];
  const segmentEnds = i + 1 === path.length || path[i + 1] === '/';
  if (ch === '\u0000') return 'null character not allowed';
  if (ch === '/' && prev === '/') return 'empty node name specified';
  if (ch === '.' && prev === '.' && path[i - 2] === '/' && segmentEnds) return 'relative paths not allowed';
  if (ch === '.' && prev === '/' && segmentEnds) return 'relative paths not allowed';
  return isForbiddenChar(path.charCodeAt(i)) ? 'invalid character' : null;
}

function isForbiddenChar(c: number): boolean {
  return (
    (c > 0x0000 && c <= 0x001f) ||
    (c >= 0x007f && c <= 0x009f) ||
    (c >= 0xd800 && c <= 0xf8ff) ||
    (c >= 0xfff0 && c <= 0xffff)
  );
}

/**
 * The parent of `path` as ZooKeeper derives it (text before the last `/`; the root's children and
 * the root itself have `/` as parent). Null when the path has no `/` at all.
 */
export function parentOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return null;
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** The last segment of `path` (the child name its parent lists). */
export const childNameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `String.format("%010d", counter)` of a signed 32-bit counter, as sequential creates append it. */
export function sequenceSuffix(counter: number): string {
  const n = counter | 0;
  const digits = Math.abs(n)
    .toString()
    .padStart(n < 0 ? 9 : 10, '0');
  return n < 0 ? `-${digits}` : digits;
}

/** `path` itself, then each ancestor up to and including the root. */
export function* selfAndAncestors(path: string): Generator<string> {
  let p: string | null = path;
  while (p !== null) {
    yield p;
    p = p === '/' ? null : parentOf(p);
  }
}
