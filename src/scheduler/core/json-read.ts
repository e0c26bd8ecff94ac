// Typed reading of untrusted JSON with Marathon's error keys (error.expected.jsnumber, error.min …)
// and validation paths (`/container/volumes(0)/hostPath`); collects every violation and warning.
import { MAX_APP_STRING_LENGTH } from '../../common/limits.js';

export type Json = Record<string, unknown>;

export interface Violation {
  path: string;
  error: string;
}

/** `violations` are typed-read failures ("Invalid JSON"); `invalid` are semantic ones ("Object is not valid"). */
export interface ReadContext {
  readonly violations: Violation[];
  readonly invalid: Violation[];
  readonly warnings: string[];
}

export function newContext(): ReadContext {
  return { violations: [], invalid: [], warnings: [] };
}

export function child(path: string, key: string): string {
  return path === '/' ? `/${key}` : `${path}/${key}`;
}

export function item(path: string, index: number): string {
  return `${path}(${index})`;
}

export function violate(ctx: ReadContext, path: string, error: string): undefined {
  ctx.violations.push({ path, error });
  return undefined;
}

export function invalid(ctx: ReadContext, path: string, error: string): void {
  ctx.invalid.push({ path, error });
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `null` means absent, as in Marathon's readers. */
function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** A string of at most `maxLength` characters. */
export function readString(
  ctx: ReadContext,
  value: unknown,
  path: string,
  maxLength = MAX_APP_STRING_LENGTH,
): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') return violate(ctx, path, 'error.expected.jsstring');
  return value.length > maxLength ? violate(ctx, path, 'error.maxLength') : value;
}

export function readBoolean(ctx: ReadContext, value: unknown, path: string): boolean | undefined {
  if (absent(value)) return undefined;
  return typeof value === 'boolean' ? value : violate(ctx, path, 'error.expected.jsboolean');
}

export function readObject(ctx: ReadContext, value: unknown, path: string): Json | undefined {
  if (absent(value)) return undefined;
  return isObject(value) ? value : violate(ctx, path, 'error.expected.jsobject');
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

const NUMERIC_STRING = /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/;

/** Numbers; a numeric string (0.x tutorials: `"instances": "1"`) is coerced with a warning. */
export function readNumber(ctx: ReadContext, value: unknown, path: string, rule: NumberRule = {}): number | undefined {
  if (absent(value)) return undefined;
  const n = typeof value === 'string' && NUMERIC_STRING.test(value) ? coerce(ctx, value, path) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return violate(ctx, path, 'error.expected.jsnumber');
  if (rule.integer && !Number.isInteger(n)) return violate(ctx, path, 'error.expected.int');
  if (rule.min !== undefined && n < rule.min) return violate(ctx, path, 'error.min');
  if (rule.max !== undefined && n > rule.max) return violate(ctx, path, 'error.max');
  return n;
}

function coerce(ctx: ReadContext, value: string, path: string): number {
  const n = Number(value);
  ctx.warnings.push(`${path}: string "${value}" read as the number ${n}`);
  return n;
}

export function readEnum<T extends string>(
  ctx: ReadContext,
  value: unknown,
  path: string,
  literals: readonly T[],
): T | undefined {
  const s = readString(ctx, value, path);
  if (s === undefined) return undefined;
  const found = literals.find((l) => l.toLowerCase() === s.toLowerCase());
  return found ?? violate(ctx, path, 'error.unknown.enum.literal');
}

export function readPattern(ctx: ReadContext, value: unknown, path: string, pattern: RegExp): string | undefined {
  const s = readString(ctx, value, path);
  if (s === undefined) return undefined;
  return pattern.test(s) ? s : violate(ctx, path, 'error.pattern');
}

export function readArray<T>(
  ctx: ReadContext,
  value: unknown,
  path: string,
  readItem: (value: unknown, path: string) => T | undefined,
): T[] | undefined {
  if (absent(value)) return undefined;
  if (!Array.isArray(value)) return violate(ctx, path, 'error.expected.jsarray');
  return value.flatMap((v: unknown, i) => {
    const read = readItem(v, item(path, i));
    return read === undefined ? [] : [read];
  });
}

/**
 * A map for keys from user JSON: without a prototype, any key (`__proto__`, `constructor`) is an entry of its own,
 * kept by JSON rendering and storage like any other.
 */
export function stringMap<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const map: Record<string, T> = Object.create(null);
  for (const [key, value] of entries) map[key] = value;
  return map;
}

/** An object read into a stringMap: keys of at most MAX_APP_STRING_LENGTH characters, each value by `readValue`. */
export function readMap<T>(
  ctx: ReadContext,
  value: unknown,
  path: string,
  readValue: (value: unknown, path: string) => T | undefined,
): Record<string, T> | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const out = stringMap<T>();
  for (const [key, v] of Object.entries(obj)) {
    const at = child(path, key);
    if (key.length > MAX_APP_STRING_LENGTH) violate(ctx, at, 'error.maxLength');
    const read = readValue(v, at);
    if (read !== undefined) out[key] = read;
  }
  return out;
}

export function readStringMap(ctx: ReadContext, value: unknown, path: string): Record<string, string> | undefined {
  return readMap(ctx, value, path, (v, p) => readString(ctx, v, p));
}

export function readRequired(ctx: ReadContext, obj: Json, key: string, path: string): unknown {
  const value = obj[key];
  if (absent(value)) violate(ctx, child(path, key), 'error.path.missing');
  return value;
}
