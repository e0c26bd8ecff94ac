// Replays client sessions captured from a real ZooKeeper 3.8 (zk-golden/standalone/raw-probe-ops.hex)
// through ZkServer and a single-member commit loop, and compares every frame the server sent —
// order, xids, zxids, error codes and bodies, encoded — with only ctime/mtime and session ids masked.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeReplyHeader,
  decodeRequest,
  decodeWatcherEvent,
  encodeNotification,
  encodeReply,
} from '../../../src/ensemble/wire/client.js';
import type {
  ClientRequest,
  ClientResponse,
  MultiResult,
  Reply,
  RequestOp,
  Stat,
} from '../../../src/ensemble/wire/records.js';
import type { ServerOutput } from '../../../src/ensemble/core/server/server.js';
import { ZK_GOLDEN } from '../../helpers/repo.js';
import { parseHexFile, type GoldenFrame } from '../wire/golden-files.js';
import { SingleMember } from './server-harness.js';
import { TreeDriver } from './tree-driver.js';

const frames = parseHexFile(path.join(ZK_GOLDEN, 'standalone/raw-probe-ops.hex'));
const body = (f: GoldenFrame): Buffer => f.bytes.subarray(4);

const maskStat = (s: Stat): Stat => ({ ...s, ctime: 0, mtime: 0 });

function maskResult(r: MultiResult): MultiResult {
  return 'stat' in r ? { ...r, stat: maskStat(r.stat) } : r;
}

function maskResponse(r: ClientResponse): ClientResponse {
  switch (r.kind) {
    case 'multi':
      return { kind: 'multi', results: r.results.map(maskResult) };
    case 'getChildren':
      return { kind: 'getChildren', children: [...r.children].sort() };
    default:
      return 'stat' in r ? { ...r, stat: maskStat(r.stat) } : r;
  }
}

const maskReply = (r: Reply): string => encodeReply({ ...r, response: maskResponse(r.response) }).toString('hex');

/** What the server sent on one connection, as comparable text lines. */
function goldenLines(conn: string): string[] {
  const ops = new Map<number, RequestOp>();
  const lines: string[] = [];
  for (const f of frames.filter((x) => x.conn === conn)) {
    if (f.dir === 'C>S') {
      if (f.desc.startsWith('ConnectRequest')) continue;
      const { xid, request } = decodeRequest(body(f));
      ops.set(xid, request.op);
    } else if (f.desc.startsWith('ConnectResponse')) {
      const r = decodeConnectResponse(body(f));
      lines.push(`connect timeOut=${r.timeOut} readOnly=${r.readOnly}`);
    } else {
      const header = decodeReplyHeader(body(f));
      if (header.xid === -1)
        lines.push(`notify ${encodeNotification(decodeWatcherEvent(header.reader)).toString('hex')}`);
      else lines.push(`reply ${maskReply(decodeReply(body(f), ops.get(header.xid) ?? 'unknown'))}`);
    }
  }
  return lines;
}

function ourLines(out: ServerOutput[]): string[] {
  return out.flatMap((o) => {
    switch (o.kind) {
      case 'connectResponse':
        return [`connect timeOut=${o.response.timeOut} readOnly=${o.response.readOnly}`];
      case 'notify':
        return [`notify ${encodeNotification(o.event).toString('hex')}`];
      case 'reply':
        return [`reply ${maskReply(o.reply)}`];
      default:
        return [];
    }
  });
}

/** Feeds a captured connection's requests to `m`, returning everything the server answered. */
function replay(m: SingleMember, conn: string): ServerOutput[] {
  const id = m.open('127.0.0.1', 50000);
  const out: ServerOutput[] = [];
  for (const f of frames.filter((x) => x.conn === conn && x.dir === 'C>S')) {
    m.now += 1;
    if (f.desc.startsWith('ConnectRequest')) {
      out.push(...m.run(m.server.connect(id, decodeConnectRequest(body(f)), m.now)));
    } else {
      const { xid, request } = decodeRequest(body(f));
      out.push(...m.request(id, xid, request as ClientRequest));
    }
  }
  return out;
}

describe('replay of captured sessions', () => {
  it('conn1: auth, CREATOR_ALL, ACLs, every watch type, multi, multiRead, sync, sequential names, errors, unknown op', () => {
    // Before conn1 the captured server held /golden with two children and had reached zxid 0x9.
    const d = new TreeDriver();
    d.openSession(0x5n);
    d.create('/golden', { sessionId: 0x5n });
    d.create('/golden/c1', { sessionId: 0x5n });
    d.create('/golden/nodata', { sessionId: 0x5n, data: null });
    d.txn({ type: 'closeSession' }, 0x5n);
    d.state.advanceLastZxid(0x9n);
    const m = new SingleMember({ state: d.state });
    const out = replay(m, 'conn1');
    expect(ourLines(out)).toEqual(goldenLines('conn1'));
    expect(out.at(-1)?.kind).toBe('closeClient');
  });

  it('conn2: addWatch persistent/recursive, check/removeWatches, sequential ephemeral, closeSession', () => {
    const state = new TreeDriver().state;
    state.advanceLastZxid(0x2fn);
    const m = new SingleMember({ state });
    const out = replay(m, 'conn2');
    expect(ourLines(out)).toEqual(goldenLines('conn2'));
    expect(out.at(-1)?.kind).toBe('closeClient');
  });

  it('conn8: a ConnectRequest without the readOnly byte gets a response without it', () => {
    const m = new SingleMember();
    expect(ourLines(replay(m, 'conn8'))).toEqual(goldenLines('conn8'));
  });
});
