// RecordIO as Mesos frames its event streams: ASCII decimal byte length, '\n', then exactly that
// many bytes of the record. Encoding for the master's streams, incremental decoding for clients.

const NEWLINE = 0x0a;
/** Digits of a length prefix beyond which the stream is rejected (uint64 has 20). */
const MAX_LENGTH_DIGITS = 20;

/** One record, framed. */
export function encodeRecord(record: string): string {
  return `${Buffer.byteLength(record, 'utf8')}\n${record}`;
}

export class RecordIOError extends Error {
  override readonly name = 'RecordIOError';
}

/** Splits a byte stream into records; chunk boundaries do not matter. */
export class RecordIODecoder {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly options: { maxRecordBytes: number }) {}

  /** The records completed by `chunk`, in order. Throws RecordIOError on a malformed stream. */
  push(chunk: Uint8Array): string[] {
    this.buffered = this.buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffered, chunk]);
    const records: string[] = [];
    for (let record = this.next(); record !== null; record = this.next()) records.push(record);
    return records;
  }

  /** Bytes of an unfinished record (non-zero at the end of a stream means it was cut short). */
  get pendingBytes(): number {
    return this.buffered.length;
  }

  private next(): string | null {
    const newline = this.buffered.indexOf(NEWLINE);
    if (newline < 0) {
      if (this.buffered.length > MAX_LENGTH_DIGITS) throw new RecordIOError('RecordIO length prefix is too long');
      return null;
    }
    const length = parseLength(this.buffered.subarray(0, newline).toString('latin1'));
    if (length > this.options.maxRecordBytes) {
      throw new RecordIOError(`RecordIO record of ${length} bytes exceeds the limit of ${this.options.maxRecordBytes}`);
    }
    const end = newline + 1 + length;
    if (this.buffered.length < end) return null;
    const record = this.buffered.subarray(newline + 1, end).toString('utf8');
    this.buffered = this.buffered.subarray(end);
    return record;
  }
}

function parseLength(text: string): number {
  if (!/^[0-9]{1,20}$/.test(text)) throw new RecordIOError(`invalid RecordIO length prefix '${text}'`);
  const length = Number(text);
  if (length === 0) throw new RecordIOError('RecordIO record of length 0');
  return length;
}
