// The open SUBSCRIBE responses of the v1 scheduler API, by Mesos-Stream-Id: events are RecordIO-framed
// JSON; a stream's events wait until its 200 is sent; a stream that closes or stops reading is reported.
import type { Response } from 'express';
import { MAX_SCHEDULER_STREAM_BUFFER_BYTES } from '../../common/limits.js';
import { encodeRecord } from '../../common/recordio.js';
import type { Event } from '../core/v1.js';

interface Stream {
  res: Response;
  /** Framed events written before the 200 went out. */
  pending: string[] | null;
  /** Closed before the 200 went out: it ends right after its pending events. */
  ended: boolean;
}

export class SchedulerStreams {
  private readonly streams = new Map<string, Stream>();

  /** `onClosed`: the client went away (or was dropped for not reading). */
  constructor(private readonly onClosed: (streamId: string) => void) {}

  get size(): number {
    return this.streams.size;
  }

  /** Registers the response of a SUBSCRIBE call before the core sees it. */
  create(streamId: string, res: Response): void {
    this.streams.set(streamId, { res, pending: [], ended: false });
    res.on('close', () => {
      if (this.streams.get(streamId)?.res !== res) return;
      this.streams.delete(streamId);
      this.onClosed(streamId);
    });
  }

  /** Sends the 200 with the stream id, then the events that were waiting. */
  open(streamId: string): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined || stream.pending === null) return;
    stream.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Mesos-Stream-Id': streamId,
      'Cache-Control': 'no-cache',
    });
    stream.res.flushHeaders();
    const pending = stream.pending;
    stream.pending = null;
    for (const record of pending) this.write(streamId, stream, record);
    if (stream.ended) this.close(streamId);
  }

  /** Forgets a stream whose SUBSCRIBE was refused (its response carries the refusal). */
  discard(streamId: string): void {
    this.streams.delete(streamId);
  }

  send(streamId: string, event: Event): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    const record = encodeRecord(JSON.stringify(event));
    if (stream.pending !== null) stream.pending.push(record);
    else this.write(streamId, stream, record);
  }

  close(streamId: string): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    if (stream.pending !== null) {
      stream.ended = true;
      return;
    }
    this.streams.delete(streamId);
    stream.res.end();
  }

  /** Ends every stream (this master stops leading or stops). */
  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
  }

  private write(streamId: string, stream: Stream, record: string): void {
    if (stream.res.writableLength > MAX_SCHEDULER_STREAM_BUFFER_BYTES) {
      stream.res.destroy(new Error(`scheduler stream ${streamId} does not read its events`));
      return;
    }
    stream.res.write(record);
  }
}
