// Untrusted job JSON read as Chronos's Jackson deserializer reads it (null is absent, numbers and booleans may be
// strings, ints truncated), shapes it cannot use refused with a JobError naming the field.
import { CHRONOS_MAX_STRING_LENGTH } from '../../common/limits.js';

export type Json = Record<string, unknown>;

/** Bad input; becomes a 400 with this message. */
export class JobError extends Error {}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function readText(value: unknown, field: string, fallback = ''): string {
  if (!present(value)) return fallback;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new JobError(`${field} must be a string`);
  if (value.length > CHRONOS_MAX_STRING_LENGTH)
    throw new JobError(`${field} is longer than ${CHRONOS_MAX_STRING_LENGTH} characters`);
  return value;
}

export function readDouble(value: unknown, field: string, fallback: number): number {
  if (!present(value)) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new JobError(`${field} must be a number`);
  return n;
}

export function readInt(value: unknown, field: string, fallback: number): number {
  const n = Math.trunc(readDouble(value, field, fallback));
  if (Math.abs(n) > 2_147_483_647) throw new JobError(`${field} must fit a 32-bit integer`);
  return n;
}

export function readBool(value: unknown, field: string, fallback: boolean): boolean {
  if (!present(value)) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw new JobError(`${field} must be a boolean`);
}

export function readArray(value: unknown, field: string): unknown[] {
  if (!present(value)) return [];
  if (!Array.isArray(value)) throw new JobError(`${field} must be an array`);
  return value;
}

export function readObject(value: unknown, field: string): Json {
  if (!isObject(value)) throw new JobError(`${field} must be an object`);
  return value;
}

/** `[{key, value}]` pairs (labels, Docker parameters, volume driver options). */
export function readPairs(value: unknown, field: string): { key: string; value: string }[] {
  return readArray(value, field).map((raw, i) => {
    const pair = readObject(raw, `${field}[${i}]`);
    return { key: readText(pair.key, `${field}[${i}].key`), value: readText(pair.value, `${field}[${i}].value`) };
  });
}
