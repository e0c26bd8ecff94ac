// Jute primitives, null-vs-empty, bounds on lengths and counts, framing, and the small client
// codec rules (optional readOnly byte, bodies dropped on error replies, unknown ops).
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../../src/common/limits.js';
import {
  FrameDecoder,
  JuteReader,
  JuteWriter,
  TruncatedError,
  WireError,
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeRequest,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeReply,
  encodeRequest,
  fourLetterWord,
  frame,
  readACLList,
  readStat,
  writeACLList,
  writeStat,
  type ClientResponse,
  type Stat,
} from '../../../src/ensemble/wire/index.js';

const hex = (b: Buffer): string => b.toString('hex');
const written = (f: (w: JuteWriter) => unknown): Buffer => {
  const w = new JuteWriter(1);
  f(w);
  return w.toBuffer();
};
const body = (framed: Buffer): Buffer => framed.subarray(4);

describe('JuteReader / JuteWriter', () => {
  it('round-trips ints, longs, bools and signed bytes big-endian', () => {
    const b = written((w) =>
      w.writeInt(-2).writeInt(0x7fffffff).writeLong(-1n).writeLong(0x0102030405060708n).writeBool(true).writeByte(-1),
    );
    expect(hex(b)).toBe('fffffffe7fffffffffffffffffffffff010203040506070801ff');
    const r = new JuteReader(b);
    expect([r.readInt(), r.readInt(), r.readLong(), r.readLong(), r.readBool(), r.readByte()]).toEqual([
      -2,
      0x7fffffff,
      -1n,
      0x0102030405060708n,
      true,
      -1,
    ]);
    r.done();
  });

  it('reads any non-zero boolean byte as true', () => {
    expect(new JuteReader(Buffer.from([7])).readBool()).toBe(true);
    expect(new JuteReader(Buffer.from([0])).readBool()).toBe(false);
  });

  it('keeps null and empty apart for buffers, strings and vectors', () => {
    const b = written((w) =>
      w
        .writeBuffer(null)
        .writeBuffer(Buffer.alloc(0))
        .writeString(null)
        .writeString('')
        .writeVector(null, (x, v: number) => x.writeInt(v))
        .writeVector([], (x, v: number) => x.writeInt(v)),
    );
    expect(hex(b)).toBe('ffffffff00000000ffffffff00000000ffffffff00000000');
    const r = new JuteReader(b);
    const int = (x: JuteReader): number => x.readInt();
    expect([
      r.readBuffer(),
      r.readBuffer(),
      r.readString(),
      r.readString(),
      r.readVector(int),
      r.readVector(int),
    ]).toEqual([null, Buffer.alloc(0), null, '', null, []]);
  });

  it('measures ustring lengths in UTF-8 bytes', () => {
    const b = written((w) => w.writeString('/é€😀'));
    expect(b.readInt32BE(0)).toBe(1 + 2 + 3 + 4);
    expect(new JuteReader(b).readString()).toBe('/é€😀');
  });

  it('returns buffers that do not alias the input', () => {
    const src = written((w) => w.writeBuffer(Buffer.from('abc')));
    const got = new JuteReader(src).readBuffer();
    src.fill(0);
    expect(got?.toString()).toBe('abc');
  });

  it('throws TruncatedError with the offset it needed', () => {
    const r = new JuteReader(Buffer.from('00000005616263', 'hex'));
    let caught: unknown;
    try {
      r.readBuffer();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TruncatedError);
    expect(caught).toBeInstanceOf(WireError);
    expect((caught as TruncatedError).needed).toBe(9);
    expect(() => new JuteReader(Buffer.from('000000', 'hex')).readInt()).toThrow(WireError);
    expect(() => new JuteReader(Buffer.alloc(7)).readLong()).toThrow(WireError);
    expect(() => new JuteReader(Buffer.alloc(0)).readBool()).toThrow(WireError);
  });

  it('rejects negative string and buffer lengths other than -1; reads a vector count below -1 as empty', () => {
    expect(() => new JuteReader(Buffer.from('fffffffe', 'hex')).readBuffer()).toThrow(/negative/);
    expect(() => new JuteReader(Buffer.from('80000000', 'hex')).readString()).toThrow(/negative/);
    expect(new JuteReader(Buffer.from('fffffff0', 'hex')).readVector((x) => x.readInt())).toEqual([]);
  });

  it('reads a null where a value is needed as empty and counts it', () => {
    const r = new JuteReader(Buffer.from('ffffffff00000000ffffffff', 'hex'));
    expect([r.expectString(), r.expectString(), r.expectVector((x) => x.readInt())]).toEqual(['', '', []]);
    expect(r.missingValues).toBe(2);
  });

  it('rejects a vector count larger than the bytes left before reading any element', () => {
    let calls = 0;
    const r = new JuteReader(Buffer.from(`3b9aca00${'00'.repeat(16)}`, 'hex'));
    expect(() =>
      r.readVector((x) => {
        calls++;
        return x.readByte();
      }),
    ).toThrow(TruncatedError);
    expect(calls).toBe(0);
  });

  it('checks required fields, trailing bytes and safe-integer longs', () => {
    expect(() => new JuteReader(Buffer.from('ffffffff', 'hex')).requiredString('path')).toThrow(/path is null/);
    expect(() => new JuteReader(Buffer.from('00', 'hex')).done()).toThrow(/trailing/);
    const big = written((w) => w.writeLong(1n << 60n));
    expect(() => new JuteReader(big).readSafeLong('ctime')).toThrow(/out of range/);
    expect(new JuteReader(written((w) => w.writeLong(-5n))).readSafeLong('t')).toBe(-5);
  });

  it('grows the writer past its initial size', () => {
    const big = Buffer.alloc(100_000, 7);
    const b = written((w) => w.writeInt(1).writeBuffer(big).writeString('x'.repeat(5000)));
    const r = new JuteReader(b);
    expect(r.readInt()).toBe(1);
    expect(r.readBuffer()).toEqual(big);
    expect(r.readString()).toHaveLength(5000);
    r.done();
  });

  it('encodes OPEN_ACL_UNSAFE and a Stat exactly as ZooKeeper does', () => {
    const acl = written((w) => writeACLList(w, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]));
    expect(hex(acl)).toBe('000000010000001f00000005776f726c6400000006616e796f6e65');
    expect(readACLList(new JuteReader(acl))).toEqual([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
    const stat: Stat = {
      czxid: 2n,
      mzxid: 7n,
      ctime: 1795318516857,
      mtime: 1795318539351,
      version: 1,
      cversion: 3,
      aversion: 0,
      ephemeralOwner: 0n,
      dataLength: 5,
      numChildren: 3,
      pzxid: 6n,
    };
    const b = written((w) => writeStat(w, stat));
    expect(hex(b)).toBe(
      '00000000000000020000000000000007000001a201528c79000001a20152e457000000010000000300000000000000000000000000000005000000030000000000000006',
    );
    expect(readStat(new JuteReader(b))).toEqual(stat);
  });
});

describe('FrameDecoder', () => {
  const frames = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(70_000, 1)];
  const stream = Buffer.concat(frames.map(frame));

  it('splits a stream delivered in one chunk', () => {
    expect(new FrameDecoder().push(stream)).toEqual(frames);
  });

  it('handles byte-by-byte and uneven chunking', () => {
    for (const size of [1, 3, 4096]) {
      const d = new FrameDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) out.push(...d.push(stream.subarray(i, i + size)));
      expect(out).toEqual(frames);
      expect(d.buffered).toBe(0);
    }
  });

  it('rejects lengths below 0 or above MAX_FRAME_BYTES, accepts MAX_FRAME_BYTES', () => {
    const len = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    expect(() => new FrameDecoder().push(len(-1))).toThrow(WireError);
    expect(() => new FrameDecoder().push(len(MAX_FRAME_BYTES + 1))).toThrow(WireError);
    const d = new FrameDecoder();
    expect(d.push(len(MAX_FRAME_BYTES))).toEqual([]);
    expect(d.push(Buffer.alloc(MAX_FRAME_BYTES))).toHaveLength(1);
  });

  it('honours a custom limit', () => {
    expect(() => new FrameDecoder(4).push(frame(Buffer.alloc(5)))).toThrow(WireError);
  });
});

describe('four-letter words', () => {
  it('recognises commands and nothing else', () => {
    expect(fourLetterWord(Buffer.from('ruok\n'))).toBe('ruok');
    expect(fourLetterWord(Buffer.from('srvr'))).toBe('srvr');
    expect(fourLetterWord(Buffer.from('RUOK'))).toBeNull();
    expect(fourLetterWord(Buffer.from('ru'))).toBeNull();
    expect(fourLetterWord(Buffer.from('0000002d', 'hex'))).toBeNull();
  });
});

describe('client codec rules', () => {
  const passwd = Buffer.alloc(16, 9);

  it('mirrors the optional readOnly byte (44- vs 45-byte ConnectRequest)', () => {
    const base = { protocolVersion: 0, lastZxidSeen: 5n, timeOut: 30000, sessionId: 0n, passwd };
    const short = encodeConnectRequest({ ...base, readOnly: undefined });
    expect(short.readInt32BE(0)).toBe(44);
    expect(decodeConnectRequest(body(short)).readOnly).toBeUndefined();
    const long = encodeConnectRequest({ ...base, readOnly: true });
    expect(long.readInt32BE(0)).toBe(45);
    expect(decodeConnectRequest(body(long)).readOnly).toBe(true);
    const resp = { protocolVersion: 0, timeOut: 4000, sessionId: 1n, passwd, readOnly: undefined };
    expect(encodeConnectResponse(resp).readInt32BE(0)).toBe(36);
    expect(decodeConnectResponse(body(encodeConnectResponse(resp)))).toEqual(resp);
    expect(() => decodeConnectRequest(body(short).subarray(0, 30))).toThrow(WireError);
  });

  it('omits the body of an error reply except for multi', () => {
    const stat = { kind: 'stat', stat: readStat(new JuteReader(Buffer.alloc(68))) } as const;
    expect(encodeReply({ xid: 3, zxid: 9n, err: -101, response: stat })).toHaveLength(20);
    expect(encodeReply({ xid: 3, zxid: 9n, err: 0, response: stat })).toHaveLength(20 + 68);
    const multi: ClientResponse = { kind: 'multi', results: [{ type: 'error', err: -101 }] };
    const framed = encodeReply({ xid: 4, zxid: 9n, err: -2, response: multi });
    expect(decodeReply(body(framed), 'multi')).toEqual({ xid: 4, zxid: 9n, err: -2, response: multi });
    expect(
      decodeReply(body(encodeReply({ xid: 4, zxid: 9n, err: -2, response: { kind: 'empty' } })), 'multi').response,
    ).toEqual({
      kind: 'empty',
    });
  });

  it('decodes bodiless ops and treats unknown and server-internal op codes as unknown', () => {
    expect(decodeRequest(Buffer.from('0000000afffffff5', 'hex'))).toEqual({ xid: 10, request: { op: 'closeSession' } });
    expect(decodeRequest(Buffer.from('000000010000006b', 'hex'))).toEqual({ xid: 1, request: { op: 'whoAmI' } });
    expect(decodeRequest(Buffer.from('0000000100000014000000012f', 'hex')).request).toEqual({
      op: 'unknown',
      code: 20,
      body: Buffer.from('000000012f', 'hex'),
    });
    expect(decodeRequest(Buffer.from('00000001000003e7', 'hex')).request).toEqual({ op: 'unknown', code: 999 });
  });

  it('throws WireError only on a header cut short and on an unreadable auth or sasl record', () => {
    expect(() => decodeRequest(Buffer.from('00000001', 'hex'))).toThrow(WireError);
    expect(() => decodeRequest(Buffer.from('fffffffc0000006400000000000000', 'hex'))).toThrow(WireError);
    expect(() => decodeRequest(Buffer.from('0000000100000066ffffffff', 'hex'))).toThrow(/token is null/);
  });

  it('decodes records ZooKeeper answers with MarshallingError as such, keeping the bytes', () => {
    const cut = Buffer.from('0000000100000004000000072f676f', 'hex');
    expect(decodeRequest(cut)).toEqual({
      xid: 1,
      request: { op: 'marshallingError', sent: 'getData', cause: 'unreadable', body: cut.subarray(8) },
    });
    const nullPath = Buffer.from('0000000200000003ffffffff00', 'hex');
    expect(decodeRequest(nullPath).request).toMatchObject({ op: 'marshallingError', sent: 'exists', cause: 'null' });
    expect(encodeRequest(1, decodeRequest(cut).request).subarray(4)).toEqual(cut);
  });

  it('tells which multi and multiRead records ZooKeeper serves, and what it answers before giving up', () => {
    const getDataInMulti = Buffer.from('000000010000000e0000000400ffffffff000000022f6200ffffffff01ffffffff', 'hex');
    expect(decodeRequest(getDataInMulti).request).toMatchObject({ op: 'marshallingError', sent: 'multi' });
    expect(decodeRequest(getDataInMulti).request).not.toHaveProperty('served');
    const deleteOp = { op: 'delete', path: '/a', version: -1 } as const;
    const multiReadOfDelete = encodeRequest(1, { op: 'multi', ops: [deleteOp] });
    multiReadOfDelete.writeInt32BE(22, 8);
    expect(decodeRequest(body(multiReadOfDelete)).request).toMatchObject({ sent: 'multiRead', served: [] });
    const read = { op: 'getData', path: '/a', watch: false } as const;
    const w = new JuteWriter().writeInt(1).writeInt(22);
    w.writeInt(4).writeBool(false).writeInt(-1).writeString('/a').writeBool(false);
    w.writeInt(4).writeBool(false).writeInt(-1).writeString(null).writeBool(false);
    const withNull = w.writeInt(-1).writeBool(true).writeInt(-1).toBuffer();
    expect(decodeRequest(withNull).request).toMatchObject({ sent: 'multiRead', cause: 'null', served: [read] });
  });

  it('tolerates trailing bytes after a known request', () => {
    const b = Buffer.concat([
      body(encodeRequest(2, { op: 'getData', path: '/x', watch: true })),
      Buffer.from('ff', 'hex'),
    ]);
    expect(decodeRequest(b)).toEqual({ xid: 2, request: { op: 'getData', path: '/x', watch: true } });
  });
});
