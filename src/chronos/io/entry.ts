// The records of a Mesos ZooKeeperState store as Chronos keeps its jobs and framework id in them: the protobuf
// `mesos.internal.state.Entry {1: name, 2: uuid (16 bytes), 3: value}`, and a FrameworkID `{1: value}`.
import { randomBytes } from 'node:crypto';

export interface Entry {
  name: string;
  uuid: Buffer;
  value: Buffer;
}

export function encodeEntry(name: string, value: Buffer): Buffer {
  return Buffer.concat([field(1, Buffer.from(name)), field(2, randomBytes(16)), field(3, value)]);
}

/** The entry's fields; null when the bytes are not an Entry. */
export function decodeEntry(data: Buffer): Entry | null {
  const fields = decodeFields(data);
  const name = fields?.get(1);
  const value = fields?.get(3);
  if (name === undefined || value === undefined) return null;
  return { name: name.toString('utf8'), uuid: fields?.get(2) ?? Buffer.alloc(0), value };
}

export function encodeFrameworkId(id: string): Buffer {
  return field(1, Buffer.from(id));
}

export function decodeFrameworkId(data: Buffer): string | null {
  return decodeFields(data)?.get(1)?.toString('utf8') ?? null;
}

/** A length-delimited field: its key (number << 3 | 2), the length as a varint, the bytes. */
function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** Length-delimited fields by number (the last of each wins); null on anything else or a truncated field. */
function decodeFields(data: Buffer): Map<number, Buffer> | null {
  const fields = new Map<number, Buffer>();
  let at = 0;
  const read = (): number | null => {
    let n = 0;
    for (let shift = 1; at < data.length && shift < 2 ** 35; shift *= 128) {
      const byte = data[at++] as number;
      n += (byte & 0x7f) * shift;
      if (byte < 0x80) return n;
    }
    return null;
  };
  while (at < data.length) {
    const key = read();
    const length = key === null || (key & 7) !== 2 ? null : read();
    if (key === null || length === null || at + length > data.length) return null;
    fields.set(Math.floor(key / 8), data.subarray(at, at + length));
    at += length;
  }
  return fields;
}
