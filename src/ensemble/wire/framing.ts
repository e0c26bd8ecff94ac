// Length-prefixed framing (int32 length, then that many bytes) and the byte queue the stream
// decoders share, so chunks arriving in any sizes are only copied when a record is complete.

import { MAX_FRAME_BYTES } from '../../common/limits.js';
import { WireError } from './errors.js';

/** Appends the 4-byte big-endian length prefix. */
export function frame(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Bytes received but not yet decoded, kept as chunks until a caller needs them contiguous. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Everything queued as one buffer (merged in place, so repeated calls do not copy again). */
  contiguous(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.total)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Drops the first n bytes. */
  consume(n: number): void {
    const rest = this.contiguous().subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.total = rest.length;
  }
}

/** Splits a stream into frame bodies (without the length prefix). */
export class FrameDecoder {
  private readonly queue = new ByteQueue();
  /** Total bytes (prefix included) of the frame being received, once its prefix is known. */
  private need: number | null = null;

  constructor(private readonly maxBytes: number = MAX_FRAME_BYTES) {}

  /** Bytes buffered towards the next frame. */
  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Buffer): Buffer[] {
    this.queue.push(chunk);
    const bodies: Buffer[] = [];
    for (;;) {
      const body = this.next();
      if (body === null) return bodies;
      bodies.push(body);
    }
  }

  private next(): Buffer | null {
    if (this.need === null) {
      if (this.queue.length < 4) return null;
      const len = this.queue.contiguous().readInt32BE(0);
      if (len < 0 || len > this.maxBytes) throw new WireError(`frame length ${len} out of range`);
      this.need = 4 + len;
    }
    if (this.queue.length < this.need) return null;
    const body = Buffer.from(this.queue.contiguous().subarray(4, this.need));
    this.queue.consume(this.need);
    this.need = null;
    return body;
  }
}
