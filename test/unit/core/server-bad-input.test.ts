// Requests off the happy path through the wire decoder and ZkServer with a single-member commit loop,
// checked against ZooKeeper 3.8's answers (the same cases run against a real ZooKeeper and our ensemble
// in the integration suites).
import { describe, it } from 'vitest';
import { WireError, decodeConnectRequest, decodeRequest, encodeReply } from '../../../src/ensemble/wire/index.js';
import {
  BAD_INPUT_CASES,
  caseFrames,
  checkTranscript,
  defaultConnect,
  type BadInputCase,
  type Transcript,
} from '../../helpers/bad-input.js';
import { SingleMember } from './server-harness.js';

/** What the listener and the core make of the case's frames: a decode failure closes, as on a socket. */
function runCase(c: BadInputCase, root: string): Transcript {
  const m = new SingleMember();
  const conn = m.open();
  const t: Transcript = { connect: null, replies: [], closed: false };
  const connectRequest = decodeConnectRequest((c.connect ?? defaultConnect()).subarray(4));
  for (const o of m.run(m.server.connect(conn, connectRequest, m.now))) {
    if (o.kind === 'connectResponse') t.connect = o.response;
  }
  for (const frame of caseFrames(c, root)) {
    if (t.closed) break;
    m.now += 1;
    let decoded: ReturnType<typeof decodeRequest>;
    try {
      decoded = decodeRequest(frame.subarray(4));
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      t.closed = true;
      break;
    }
    for (const o of m.request(conn, decoded.xid, decoded.request)) {
      if (o.kind === 'reply') t.replies.push(encodeReply(o.reply).subarray(4));
      if (o.kind === 'closeClient') t.closed = true;
    }
  }
  return t;
}

describe("ZooKeeper 3.8's answers off the happy path", () => {
  BAD_INPUT_CASES.forEach((c, i) => {
    it(c.name, () => {
      const root = `/bad-${i}`;
      checkTranscript(c, root, runCase(c, root));
    });
  });
});
