// Jute binary encoding (big-endian, length-prefixed, −1 = null): the reader and writer every codec
// here is built on, the Id / ACL / Stat records that many other records embed, and ownedBytes for
// bytes kept long after the record they came in.

import { TruncatedError, WireError } from './errors.js';
import type { ACL, Id, RequestACL, Stat } from './records.js';

const NO_BYTES = Buffer.alloc(0);

/**
 * `data` in memory of its own (itself when it already is): a small slice of a larger buffer (a
 * chunk of Node's 8 KiB buffer pool, a socket read) keeps all of that buffer alive while it lives.
 */
export function ownedBytes(data: Buffer | null): Buffer | null {
  if (data === null) return null;
  if (data.length === 0) return NO_BYTES;
  if (data.byteOffset === 0 && data.buffer.byteLength === data.length) return data;
  const own = Buffer.allocUnsafeSlow(data.length);
  data.copy(own);
  return own;
}

export class JuteReader {
  private pos = 0;
  private missing = 0;

  constructor(private readonly buf: Buffer) {}

  /** Nulls expectString and expectVector met so far: the record reads whole, but the server cannot use it. */
  get missingValues(): number {
    return this.missing;
  }

  /** Bytes consumed so far (from the start of the underlying buffer). */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Asserts the record was consumed exactly. */
  done(): void {
    if (this.remaining !== 0) throw new WireError(`${this.remaining} unexpected trailing bytes`);
  }

  readInt(): number {
    return this.buf.readInt32BE(this.take(4, 'int'));
  }

  readLong(): bigint {
    return this.buf.readBigInt64BE(this.take(8, 'long'));
  }

  readBool(): boolean {
    return this.buf.readUInt8(this.take(1, 'boolean')) !== 0;
  }

  /** A jute byte is signed. */
  readByte(): number {
    return this.buf.readInt8(this.take(1, 'byte'));
  }

  /** A copy; a small one shares a chunk of Node's buffer pool with other short-lived buffers. */
  readBuffer(): Buffer | null {
    const bytes = this.readBufferView();
    return bytes === null ? null : Buffer.from(bytes);
  }

  /** A copy in memory of its own, for bytes kept long after the record (a write's data, held by its txn). */
  readOwnedBuffer(): Buffer | null {
    return ownedBytes(this.readBufferView());
  }

  /** A buffer as a string of one latin1 char per byte (the data tree's compact form of a znode's data). */
  readLatin1Buffer(): string | null {
    const bytes = this.readBufferView();
    return bytes === null ? null : bytes.toString('latin1');
  }

  /** ustring: UTF-8, length in bytes. */
  readString(): string | null {
    const n = this.readLength('ustring');
    if (n === null) return null;
    const at = this.take(n, 'ustring');
    return this.buf.toString('utf8', at, at + n);
  }

  /**
   * The count is checked against the bytes left (every element takes at least one). A count below −1
   * is an empty vector, as ZooKeeper's BinaryInputArchive reads it.
   */
  readVector<T>(item: (r: JuteReader) => T): T[] | null {
    const n = this.readInt();
    if (n === -1) return null;
    if (n > this.remaining) {
      throw new TruncatedError(this.pos + n, `vector of ${n} entries but ${this.remaining} bytes left`);
    }
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }

  /** A long that must fit a JS number exactly (times in ms, sids, epochs). */
  readSafeLong(field: string): number {
    const v = this.readLong();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new WireError(`${field} ${v} is out of range`);
    }
    return Number(v);
  }

  requiredString(field: string): string {
    return required(this.readString(), field);
  }

  /** A string where the reader needs a value: a null reads as '' and counts in missingValues. */
  expectString(): string {
    return this.present(this.readString(), '');
  }

  /** A vector where the reader needs one: a null reads as empty and counts in missingValues. */
  expectVector<T>(item: (r: JuteReader) => T): T[] {
    return this.present(this.readVector(item), []);
  }

  requiredBuffer(field: string): Buffer {
    return required(this.readBuffer(), field);
  }

  requiredVector<T>(item: (r: JuteReader) => T, field: string): T[] {
    return required(this.readVector(item), field);
  }

  private present<T>(v: T | null, stand: T): T {
    if (v !== null) return v;
    this.missing++;
    return stand;
  }

  private readBufferView(): Buffer | null {
    const n = this.readLength('buffer');
    if (n === null) return null;
    const at = this.take(n, 'buffer');
    return this.buf.subarray(at, at + n);
  }

  private readLength(what: string): number | null {
    const n = this.readInt();
    if (n === -1) return null;
    if (n < 0) throw new WireError(`negative ${what} length ${n}`);
    return n;
  }

  private take(n: number, what: string): number {
    if (n > this.remaining) {
      throw new TruncatedError(this.pos + n, `${what} needs ${n} bytes, ${this.remaining} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
}

function required<T>(v: T | null, field: string): T {
  if (v === null) throw new WireError(`${field} is null`);
  return v;
}

export class JuteWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialBytes = 256) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  writeInt(v: number): this {
    const at = this.room(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }

  writeLong(v: bigint): this {
    const at = this.room(8);
    this.buf.writeBigInt64BE(v, at);
    return this;
  }

  writeBool(v: boolean): this {
    const at = this.room(1);
    this.buf.writeUInt8(v ? 1 : 0, at);
    return this;
  }

  writeByte(v: number): this {
    const at = this.room(1);
    this.buf.writeInt8(v, at);
    return this;
  }

  /** Raw bytes with no length prefix. */
  writeRaw(bytes: Buffer): this {
    const at = this.room(bytes.length);
    bytes.copy(this.buf, at);
    return this;
  }

  writeBuffer(v: Buffer | null): this {
    if (v === null) return this.writeInt(-1);
    return this.writeInt(v.length).writeRaw(v);
  }

  /** A buffer given as a string of one latin1 char per byte (see readLatin1Buffer). */
  writeLatin1Buffer(v: string | null): this {
    if (v === null) return this.writeInt(-1);
    this.writeInt(v.length);
    const at = this.room(v.length);
    this.buf.write(v, at, v.length, 'latin1');
    return this;
  }

  writeString(v: string | null): this {
    if (v === null) return this.writeInt(-1);
    const n = Buffer.byteLength(v, 'utf8');
    this.writeInt(n);
    const at = this.room(n);
    this.buf.write(v, at, n, 'utf8');
    return this;
  }

  writeVector<T>(items: readonly T[] | null, item: (w: JuteWriter, v: T) => void): this {
    if (items === null) return this.writeInt(-1);
    this.writeInt(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }

  /** Reserves n bytes and returns their offset (may replace this.buf: call before touching it). */
  private room(n: number): number {
    const need = this.len + n;
    if (need > this.buf.length) {
      let size = Math.max(this.buf.length * 2, 64);
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len = need;
    return at;
  }
}

// ---- records shared by many others ----

export function readId(r: JuteReader): Id {
  return { scheme: r.requiredString('Id.scheme'), id: r.requiredString('Id.id') };
}

export function writeId(w: JuteWriter, id: RequestACL['id']): void {
  w.writeString(id.scheme).writeString(id.id);
}

export function readACL(r: JuteReader): ACL {
  return { perms: r.readInt(), id: readId(r) };
}

export function writeACL(w: JuteWriter, acl: RequestACL): void {
  w.writeInt(acl.perms);
  writeId(w, acl.id);
}

export function readACLList(r: JuteReader): ACL[] {
  return r.requiredVector(readACL, 'acl');
}

export function writeACLList(w: JuteWriter, acl: readonly RequestACL[] | null): void {
  w.writeVector(acl, writeACL);
}

/** The ACL list of a create or setACL, nulls and all (fixupACL judges them as ZooKeeper does). */
export function readRequestACLList(r: JuteReader): RequestACL[] | null {
  return r.readVector((x) => ({ perms: x.readInt(), id: { scheme: x.readString(), id: x.readString() } }));
}

export function readIdList(r: JuteReader): Id[] {
  return r.requiredVector(readId, 'ids');
}

export function writeIdList(w: JuteWriter, ids: readonly Id[]): void {
  w.writeVector(ids, writeId);
}

export function readStringList(r: JuteReader, field: string): string[] {
  return r.requiredVector((x) => x.requiredString(field), field);
}

export function writeStringList(w: JuteWriter, items: readonly string[]): void {
  w.writeVector(items, (x, s) => x.writeString(s));
}

export function readStat(r: JuteReader): Stat {
  return {
    czxid: r.readLong(),
    mzxid: r.readLong(),
    ctime: r.readSafeLong('ctime'),
    mtime: r.readSafeLong('mtime'),
    version: r.readInt(),
    cversion: r.readInt(),
    aversion: r.readInt(),
    ephemeralOwner: r.readLong(),
    dataLength: r.readInt(),
    numChildren: r.readInt(),
    pzxid: r.readLong(),
  };
}

export function writeStat(w: JuteWriter, s: Stat): void {
  w.writeLong(s.czxid).writeLong(s.mzxid).writeLong(BigInt(s.ctime)).writeLong(BigInt(s.mtime));
  w.writeInt(s.version).writeInt(s.cversion).writeInt(s.aversion).writeLong(s.ephemeralOwner);
  w.writeInt(s.dataLength).writeInt(s.numChildren).writeLong(s.pzxid);
}
