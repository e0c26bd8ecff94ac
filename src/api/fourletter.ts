// Four-letter words (srvr, ruok, mntr, …): write the word on a member's client port, read the
// answer until the server closes the connection.
import { connect } from 'node:net';
import { MAX_FOUR_LETTER_REPLY_BYTES } from '../common/limits.js';

export interface FourLetterOptions {
  host: string;
  port: number;
  word: string;
  timeoutMs: number;
}

export function fourLetterWord(options: FourLetterOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const socket = connect({ host: options.host, port: options.port }, () => socket.write(options.word));
    socket.setTimeout(options.timeoutMs, () =>
      socket.destroy(
        new Error(
          `${options.word} on ${options.host}:${options.port} got no answer within ${options.timeoutMs / 1000} s`,
        ),
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_FOUR_LETTER_REPLY_BYTES)
        socket.destroy(new Error(`${options.word} answer exceeds ${MAX_FOUR_LETTER_REPLY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
