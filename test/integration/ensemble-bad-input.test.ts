// Malformed client input against a real ensemble: each bad connection is closed (or answered with
// an error) on its own while another client's session keeps working and every member stays up; and
// the requests off the happy path, answered as ZooKeeper 3.8 answers them.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK } from '../../src/common/ports.js';
import { OPEN_ACL_UNSAFE, ZkClient } from '../../src/ensemble/client/index.js';
import {
  Err,
  FrameDecoder,
  decodeConnectResponse,
  decodeReplyHeader,
  encodeConnectRequest,
  encodeRequest,
  frame,
  type ClientRequest,
} from '../../src/ensemble/wire/index.js';
import { badInputSuite } from '../helpers/bad-input.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';

const CONNECT = {
  protocolVersion: 0,
  lastZxidSeen: 0n,
  timeOut: 2_000,
  sessionId: 0n,
  passwd: Buffer.alloc(16),
  readOnly: false,
};

/** A raw connection that records every frame it receives and whether the server closed it. */
class RawConnection {
  readonly frames: Buffer[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      try {
        this.frames.push(...this.decoder.push(chunk));
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = connect({ host: LOOPBACK, port });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  /** Opens a connection with an established session. */
  static async session(port: number): Promise<RawConnection> {
    const raw = await RawConnection.open(port);
    raw.socket.write(encodeConnectRequest(CONNECT));
    await waitUntil('the ConnectResponse', () => raw.frames.length === 1);
    expect(decodeConnectResponse(raw.frames[0] as Buffer).sessionId).not.toBe(0n);
    return raw;
  }

  send(xid: number, request: ClientRequest): void {
    this.socket.write(encodeRequest(xid, request));
  }

  async replyErr(count: number): Promise<number> {
    await waitUntil(`reply ${count}`, () => this.frames.length >= count + 1);
    return decodeReplyHeader(this.frames[count] as Buffer).err;
  }

  async closedByServer(): Promise<void> {
    await waitUntil('the server to close the connection', () => this.closed, 5_000);
  }
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function noise(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('bad client input', () => {
  let ensemble: TestEnsemble;
  let bystander: ZkClient;
  let pids: (number | undefined)[];
  let writes = 0;
  const port = (): number => ensemble.clientPort(ensemble.sids[0] ?? 1);

  /** The well-behaved client still reads and writes through the same member. */
  async function bystanderWorks(): Promise<void> {
    const path = await bystander.create(`/ok-${writes++}`, Buffer.from('fine'));
    expect((await bystander.getData(path)).data?.toString()).toBe('fine');
  }

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
    pids = ensemble.sids.map((sid) => ensemble.pid(sid));
    bystander = await ZkClient.connect(`${LOOPBACK}:${port()}`, { sessionTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await bystander?.close();
    await ensemble?.stop();
  });

  it('answers a request frame too short for its record with MarshallingError and keeps the session', async () => {
    const raw = await RawConnection.session(port());
    const whole = encodeRequest(1, { op: 'getData', path: '/zookeeper', watch: false });
    raw.socket.write(frame(whole.subarray(4, 14)));
    raw.send(2, { op: 'exists', path: '/zookeeper', watch: false });
    expect([await raw.replyErr(1), await raw.replyErr(2)]).toEqual([Err.MarshallingError, Err.Ok]);
    expect(raw.closed).toBe(false);
    raw.socket.destroy();
    await bystanderWorks();
  });

  it('closes a connection whose request header is cut short', async () => {
    const raw = await RawConnection.session(port());
    raw.socket.write(frame(Buffer.from('00000001', 'hex')));
    await raw.closedByServer();
    await bystanderWorks();
  });

  it('closes a connection announcing a frame over the size limit, before and after the handshake', async () => {
    const early = await RawConnection.open(port());
    early.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const late = await RawConnection.session(port());
    late.socket.write(Buffer.from([0x00, 0x10, 0x00, 0x00]));
    await early.closedByServer();
    await late.closedByServer();
    await bystanderWorks();
  });

  it('answers an unknown op code with Unimplemented and closes', async () => {
    const raw = await RawConnection.session(port());
    raw.send(7, { op: 'unknown', code: 9999 });
    expect(await raw.replyErr(1)).toBe(Err.Unimplemented);
    await raw.closedByServer();
    await bystanderWorks();
  });

  it('answers a bad path with BadArguments and keeps the connection', async () => {
    const raw = await RawConnection.session(port());
    raw.send(1, { op: 'create', path: 'relative', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 });
    raw.send(2, { op: 'create', path: '/zookeeper/', data: null, acl: OPEN_ACL_UNSAFE, flags: 0 });
    raw.send(3, { op: 'exists', path: '/zookeeper', watch: false });
    expect([await raw.replyErr(1), await raw.replyErr(2), await raw.replyErr(3)]).toEqual([
      Err.BadArguments,
      Err.BadArguments,
      Err.Ok,
    ]);
    expect(raw.closed).toBe(false);
    raw.socket.destroy();
    await bystanderWorks();
  });

  it('closes connections that send random bytes, with or without a session', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const fresh = await RawConnection.open(port());
      fresh.socket.write(noise(seed, 64));
      const established = await RawConnection.session(port());
      established.socket.write(noise(seed + 1000, 64));
      const framed = await RawConnection.session(port());
      framed.socket.write(frame(noise(seed + 2000, 40)));
      await Promise.all([fresh.closedByServer(), established.closedByServer(), framed.closedByServer()]);
    }
    await bystanderWorks();
  });

  it('kept every member running with the same leader', async () => {
    expect(ensemble.sids.map((sid) => ensemble.pid(sid))).toEqual(pids);
    await ensemble.waitForQuorum(1_000);
    await bystanderWorks();
  });
});

badInputSuite('bad input vs the minicluster ensemble', {
  start: async () => {
    const ensemble = await TestEnsemble.start();
    return { clientPorts: ensemble.sids.map((sid) => ensemble.clientPort(sid)), stop: () => ensemble.stop() };
  },
});
