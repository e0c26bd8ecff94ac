// Every frame captured from a real ZooKeeper 3.8 decodes with our codecs and re-encodes to the
// same bytes; replies are decoded with the op of the request that shares their xid.
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  OpCode,
  SpecialXid,
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeReplyHeader,
  decodeRequest,
  decodeWatcherEvent,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  encodeRequest,
  type ClientRequest,
  type Reply,
  type RequestOp,
} from '../../../src/ensemble/wire/index.js';
import { goldenFiles, parseHexFile, type GoldenFrame } from './golden-files.js';

interface ConnState {
  sawConnectRequest: boolean;
  sawConnectResponse: boolean;
  pending: Map<number, RequestOp>;
}

/** What each frame decoded to, keyed by "file#index", for the value checks below. */
type Decoded = Map<string, unknown>;

function bodyOf(f: GoldenFrame): Buffer {
  const [body, ...more] = new FrameDecoder().push(f.bytes);
  if (body === undefined || more.length > 0) throw new Error('not exactly one frame');
  return body;
}

/** `key=value` from the capture's description ("0x-1" style hex included). */
function field(desc: string, key: string): string | undefined {
  return new RegExp(`[{ ,]${key}=([^,} ]+)`).exec(desc)?.[1];
}

function hexField(desc: string, key: string): bigint | undefined {
  const v = field(desc, key);
  if (v === undefined) return undefined;
  return v.startsWith('0x-') ? -BigInt(`0x${v.slice(3)}`) : BigInt(v);
}

function replyOp(xid: number, st: ConnState): RequestOp {
  if (xid === SpecialXid.ping) return 'ping';
  if (xid === SpecialXid.auth) return 'auth';
  const op = st.pending.get(xid);
  if (op === undefined) throw new Error(`reply xid ${xid} matches no request`);
  st.pending.delete(xid);
  return op;
}

function opCodeOf(req: ClientRequest): number {
  if (req.op === 'unknown') return req.code;
  return OpCode[req.op === 'marshallingError' ? req.sent : req.op];
}

function checkClientFrame(f: GoldenFrame, st: ConnState, body: Buffer): unknown {
  if (!st.sawConnectRequest) {
    st.sawConnectRequest = true;
    const req = decodeConnectRequest(body);
    expect(encodeConnectRequest(req)).toEqual(f.bytes);
    expect(req.timeOut).toBe(Number(field(f.desc, 'timeOut')));
    expect(req.sessionId).toBe(hexField(f.desc, 'sessionId'));
    expect(req.lastZxidSeen).toBe(hexField(f.desc, 'lastZxidSeen'));
    expect(req.readOnly).toBe(f.desc.includes('no readOnly byte') ? undefined : field(f.desc, 'readOnly') === 'true');
    return req;
  }
  const { xid, request } = decodeRequest(body);
  expect(encodeRequest(xid, request)).toEqual(f.bytes);
  expect(xid).toBe(Number(field(f.desc, 'xid')));
  expect(opCodeOf(request)).toBe(Number(field(f.desc, 'type')?.split('/')[0]));
  const p = /^RequestHeader\{[^}]*\} path="([^"]*)"/.exec(f.desc)?.[1];
  if (p !== undefined) expect(request).toHaveProperty(request.op === 'getEphemerals' ? 'prefixPath' : 'path', p);
  st.pending.set(xid, request.op);
  return request;
}

function checkServerFrame(f: GoldenFrame, st: ConnState, body: Buffer): unknown {
  if (!st.sawConnectResponse) {
    st.sawConnectResponse = true;
    const resp = decodeConnectResponse(body);
    expect(encodeConnectResponse(resp)).toEqual(f.bytes);
    expect(resp.timeOut).toBe(Number(field(f.desc, 'timeOut')));
    expect(resp.sessionId).toBe(hexField(f.desc, 'sessionId'));
    expect(resp.passwd.toString('hex')).toBe(field(f.desc, 'passwd'));
    return resp;
  }
  const { xid, zxid, err, reader } = decodeReplyHeader(body);
  expect(xid).toBe(Number(field(f.desc, 'xid')?.split('(')[0]));
  expect(zxid).toBe(hexField(f.desc, 'zxid'));
  expect(err).toBe(Number(field(f.desc, 'err')));
  if (xid === SpecialXid.notification) {
    const event = decodeWatcherEvent(reader);
    reader.done();
    expect(encodeNotification(event)).toEqual(f.bytes);
    expect(event.type).toBe(Number(field(f.desc, 'type')?.split('/')[0]));
    expect(event.path).toBe(/path="([^"]*)"/.exec(f.desc)?.[1]);
    return event;
  }
  const op = replyOp(xid, st);
  expect(f.desc).toContain(`reply-to=${op === 'unknown' ? 'undefined' : op}`);
  const reply = decodeReply(body, op);
  expect(encodeReply(reply)).toEqual(f.bytes);
  return reply;
}

function replayFile(file: string): Decoded {
  const states = new Map<string, ConnState>();
  const decoded: Decoded = new Map();
  for (const f of parseHexFile(file)) {
    const st = states.get(f.conn) ?? { sawConnectRequest: false, sawConnectResponse: false, pending: new Map() };
    states.set(f.conn, st);
    const body = bodyOf(f);
    try {
      const value = f.dir === 'C>S' ? checkClientFrame(f, st, body) : checkServerFrame(f, st, body);
      decoded.set(`${f.file}#${f.index}`, value);
    } catch (e) {
      throw new Error(`${f.file} [${f.index}] ${f.conn} ${f.dir} ${f.desc.slice(0, 120)}: ${String(e)}`);
    }
  }
  return decoded;
}

const files = goldenFiles('.hex');
let everything: Decoded | undefined;
/** The decoded value of one captured frame ("file#index"). */
function at(key: string): unknown {
  everything ??= new Map(files.flatMap((f) => [...replayFile(f)]));
  return everything.get(key);
}

describe('golden client-protocol captures', () => {
  it('finds the capture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s: every frame decodes and re-encodes byte for byte', (file) => {
    expect(replayFile(file).size).toBe(parseHexFile(file).length);
  });

  it('decodes data, stat and null data as the server sent them', () => {
    const get = at('standalone/java-client-session.hex#6') as Reply;
    expect(get.response).toMatchObject({ kind: 'getData', data: Buffer.from('hello') });
    expect(get.response).toHaveProperty('stat.ctime', 1795318516857);
    expect(get.response).toHaveProperty('stat.pzxid', 2n);
    const nodata = at('standalone/java-client-session.hex#19') as Reply;
    expect(nodata.response).toMatchObject({ kind: 'getData', data: null, stat: { dataLength: 0 } });
    const create = at('standalone/java-client-session.hex#16') as ClientRequest;
    expect(create).toMatchObject({ op: 'create', path: '/golden/nodata', data: null, flags: 0 });
  });

  it('decodes multi requests and a failed multi reply (header err 0, all results error)', () => {
    const multi = at('standalone/raw-probe-ops.hex#33') as ClientRequest;
    expect(multi).toMatchObject({ op: 'multi' });
    expect(multi.op === 'multi' && multi.ops.map((o) => o.op)).toEqual(['create', 'setData', 'check', 'delete']);
    const failed = at('standalone/raw-probe-ops.hex#36') as Reply;
    expect(failed.err).toBe(0);
    expect(failed.response).toEqual({
      kind: 'multi',
      results: [
        { type: 'error', err: 0 },
        { type: 'error', err: -101 },
        { type: 'error', err: -2 },
      ],
    });
    const read = at('standalone/raw-probe-ops.hex#38') as Reply;
    expect(read.response.kind === 'multi' && read.response.results.map((x) => x.type)).toEqual([
      'getData',
      'getChildren',
      'error',
    ]);
  });

  it('decodes whoAmI, addWatch, auth, unknown op and setWatches2', () => {
    expect((at('standalone/raw-probe-ops.hex#6') as Reply).response).toEqual({
      kind: 'whoAmI',
      clientInfo: [
        { authScheme: 'ip', user: '127.0.0.1' },
        { authScheme: 'digest', user: 'user' },
      ],
    });
    expect((at('standalone/raw-probe-ops.hex#100') as Reply).response).toEqual({ kind: 'errorBody', err: 0 });
    expect(at('standalone/raw-probe-ops.hex#3')).toEqual({
      op: 'auth',
      type: 0,
      scheme: 'digest',
      auth: Buffer.from('user:pass'),
    });
    expect(at('standalone/raw-probe-ops.hex#93')).toEqual({
      op: 'unknown',
      code: 999,
      body: Buffer.from('000000012f', 'hex'),
    });
    expect(at('standalone/java-client-reconnect-setWatches2.hex#13')).toMatchObject({
      op: 'setWatches2',
      relativeZxid: 0x3bn,
      dataWatches: ['/golden'],
      existWatches: ['/nonexist2'],
      childWatches: ['/golden'],
      persistentWatches: [],
      persistentRecursiveWatches: ['/b2'],
    });
  });
});
