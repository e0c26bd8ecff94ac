// Marathon path ids (`/group/sub/app`): segment syntax, resolution of relative ids against a
// base group, and the reserved last segments.

const SEGMENT = /^(?:(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])|\.|\.\.)$/;
const RESERVED = ['restart', 'tasks', 'versions', '.', '..'];

export const RESERVED_MESSAGE = `must not end with any of the following reserved keywords: ${RESERVED.join(', ')}`;

/** True when every segment has Marathon's syntax (lower-case letters, digits, `-`, `.`). */
export function isValidPathId(raw: string): boolean {
  return raw
    .split('/')
    .filter((s) => s !== '')
    .every((s) => SEGMENT.test(s));
}

export function endsWithReserved(raw: string): boolean {
  const last = raw
    .split('/')
    .filter((s) => s !== '')
    .pop();
  return last !== undefined && RESERVED.includes(last);
}

/** Absolute id for `raw`; relative ids (and `.`/`..` segments) are taken from `base`. */
export function resolvePathId(raw: string, base: string): string {
  const start = raw.startsWith('/') ? [] : segments(base);
  const out = [...start];
  for (const s of segments(raw)) {
    if (s === '..') out.pop();
    else if (s !== '.') out.push(s);
  }
  return `/${out.join('/')}`;
}

export function parentOf(id: string): string {
  return `/${segments(id).slice(0, -1).join('/')}`;
}

function segments(id: string): string[] {
  return id.split('/').filter((s) => s !== '');
}
