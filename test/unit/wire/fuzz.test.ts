// Property tests for the client codecs: garbage, truncated and mutated frames only ever raise
// WireError (and terminate); well-formed requests and replies round-trip through the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  WireError,
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeReplyHeader,
  decodeRequest,
  decodeResponse,
  decodeWatcherEvent,
  encodeReply,
  encodeRequest,
  frame,
} from '../../../src/ensemble/wire/index.js';
import { REQUEST_OPS, clientRequest, fuzzSeed, int32, int64, opAndResponse } from './arbitraries.js';
import { allGoldenFrames } from './golden-files.js';

const seed = fuzzSeed('wire client');
const runs = { seed, numRuns: 400 };

/** Runs f; anything thrown other than a WireError fails the property. */
function onlyWireErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
  }
}

const goldenBodies = allGoldenFrames().map((f) => f.bytes.subarray(4));
const randomBytes = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));

/** A golden body with some bytes overwritten, then possibly cut short. */
const mutatedGolden = fc
  .tuple(
    fc.constantFrom(...goldenBodies),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([body, edits, cut]) => {
    const b = Buffer.from(body);
    for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
    return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
  });

const anyBody = fc.oneof(randomBytes, mutatedGolden);

function decodeAll(body: Buffer, op: (typeof REQUEST_OPS)[number]): void {
  onlyWireErrors(() => decodeRequest(body));
  onlyWireErrors(() => decodeConnectRequest(body));
  onlyWireErrors(() => decodeConnectResponse(body));
  onlyWireErrors(() => decodeReply(body, op));
  onlyWireErrors(() => {
    const { xid, reader } = decodeReplyHeader(body);
    return xid === -1 ? decodeWatcherEvent(reader) : decodeResponse(op, reader);
  });
}

describe('client codecs under garbage', () => {
  it('decoders throw nothing but WireError on random and mutated bodies', () => {
    fc.assert(
      fc.property(anyBody, fc.constantFrom(...REQUEST_OPS), (body, op) => decodeAll(body, op)),
      { ...runs, numRuns: 3000 },
    );
  });

  it('FrameDecoder throws nothing but WireError and returns whole bodies however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(anyBody, { maxLength: 5 }),
        randomBytes,
        fc.array(fc.nat(64), { maxLength: 20 }),
        (bodies, junk, cuts) => {
          const stream = Buffer.concat([...bodies.map(frame), junk]);
          const d = new FrameDecoder();
          const out: Buffer[] = [];
          onlyWireErrors(() => {
            let at = 0;
            for (const n of [...cuts, stream.length]) {
              out.push(...d.push(stream.subarray(at, at + n)));
              at += n;
            }
          });
          expect(out.slice(0, bodies.length)).toEqual(bodies.slice(0, out.length));
        },
      ),
      runs,
    );
  });
});

describe('client codecs round-trip', () => {
  it('every well-formed request survives encode → frame → decode', () => {
    fc.assert(
      fc.property(int32, clientRequest, (xid, request) => {
        const [body] = new FrameDecoder().push(encodeRequest(xid, request));
        expect(body).toBeDefined();
        expect(decodeRequest(body ?? Buffer.alloc(0))).toEqual({ xid, request });
      }),
      runs,
    );
  });

  it('every well-formed reply survives encode → decode with its op', () => {
    fc.assert(
      fc.property(int32, int64, opAndResponse, (xid, zxid, { op, response }) => {
        const reply = { xid, zxid, err: 0, response };
        const framed = encodeReply(reply);
        expect(decodeReply(framed.subarray(4), op)).toEqual(reply);
      }),
      runs,
    );
  });
});
