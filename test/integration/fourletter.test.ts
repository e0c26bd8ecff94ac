// fourLetterWord against a stand-in server: the word goes out, the answer is read until close,
// silence and oversized answers fail.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fourLetterWord } from '../../src/api/fourletter.js';
import { MAX_FOUR_LETTER_REPLY_BYTES } from '../../src/common/limits.js';
import { LOOPBACK } from '../../src/common/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

function serve(onWord: (word: string, socket: Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer((socket) =>
      socket.once('data', (chunk) => onWord(chunk.toString('latin1', 0, 4), socket)),
    );
    servers.push(server);
    server.listen(0, LOOPBACK, () => resolve((server.address() as { port: number }).port));
  });
}

describe('fourLetterWord', () => {
  it('sends the word and returns everything written before the server closes', async () => {
    const port = await serve((word, socket) => {
      socket.write(`Zookeeper version: test\n`);
      socket.end(`Mode: ${word === 'srvr' ? 'leader' : '?'}\n`);
    });
    expect(await fourLetterWord({ host: LOOPBACK, port, word: 'srvr', timeoutMs: 2_000 })).toBe(
      'Zookeeper version: test\nMode: leader\n',
    );
  });

  it('fails when no answer comes in time', async () => {
    const port = await serve(() => undefined);
    await expect(fourLetterWord({ host: LOOPBACK, port, word: 'ruok', timeoutMs: 200 })).rejects.toThrow(
      'got no answer within 0.2 s',
    );
  });

  it('gives up on an answer longer than the limit', async () => {
    const port = await serve((_word, socket) => socket.end(Buffer.alloc(MAX_FOUR_LETTER_REPLY_BYTES + 1, 'x')));
    await expect(fourLetterWord({ host: LOOPBACK, port, word: 'mntr', timeoutMs: 2_000 })).rejects.toThrow(/exceeds/);
  });
});
