// RecordIO framing: encoding by byte length, decoding across arbitrary chunk boundaries, bad streams.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordIODecoder, RecordIOError, encodeRecord } from '../../../src/common/recordio.js';

const decoder = (): RecordIODecoder => new RecordIODecoder({ maxRecordBytes: 1024 });

describe('RecordIO', () => {
  it('frames a record with its byte length', () => {
    expect(encodeRecord('{"type":"HEARTBEAT"}')).toBe('20\n{"type":"HEARTBEAT"}');
    expect(encodeRecord('"é"')).toBe('4\n"é"');
  });

  it('decodes records however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, unit: 'grapheme' }), { maxLength: 8 }),
        fc.array(fc.nat(40), { maxLength: 10 }),
        (records, cuts) => {
          const bytes = Buffer.from(records.map(encodeRecord).join(''));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const d = decoder();
          const out: string[] = [];
          let from = 0;
          for (const to of [...points, bytes.length]) {
            out.push(...d.push(bytes.subarray(from, to)));
            from = to;
          }
          expect(out).toEqual(records);
          expect(d.pendingBytes).toBe(0);
        },
      ),
    );
  });

  it('rejects bad length prefixes, empty records and records over the limit', () => {
    expect(() => decoder().push(Buffer.from('x\n{}'))).toThrow(RecordIOError);
    expect(() => decoder().push(Buffer.from('0\n'))).toThrow(/length 0/);
    expect(() => decoder().push(Buffer.from('2000\n'))).toThrow(/exceeds the limit/);
    expect(() => decoder().push(Buffer.from('1'.repeat(21)))).toThrow(/too long/);
  });
});
