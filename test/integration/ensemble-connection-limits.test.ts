// A member's client port against connections that hold it: those idle before their ConnectRequest are
// closed after the sessionless timeout, one address gets at most maxClientCnxns (60), and meanwhile
// other addresses, existing sessions and four-letter words are still served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENT_CONNECTIONS_PER_ADDRESS } from '../../src/common/limits.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { decodeReplyHeader } from '../../src/ensemble/wire/index.js';
import { RawClient, defaultConnect, pingFrame } from '../helpers/bad-input.js';
import { TestEnsemble, fourLetterWord, waitUntil } from '../helpers/ensemble.js';

/** Linux routes all of 127/8 to the loopback interface: a second client address on the same host. */
const OTHER_ADDRESS = '127.0.0.2';

/** A session on a raw connection answers a ping. */
async function answersPing(client: RawClient): Promise<void> {
  const before = client.frames.length;
  client.write([pingFrame()]);
  await client.receive(before + 1);
  expect(decodeReplyHeader(client.frames[before] ?? Buffer.alloc(0))).toMatchObject({ xid: -2, err: 0 });
}

/** A four-letter word's answer, or '' when the connection is refused. */
const ruok = (port: number, from?: string): Promise<string> => fourLetterWord(port, 'ruok', from).catch(() => '');

describe('client connection limits', () => {
  let ensemble: TestEnsemble;
  const clients: ZkClient[] = [];
  const raw: RawClient[] = [];

  beforeAll(async () => {
    // sessions of up to 4 s, so idle raw sessions outlive the sessionless timeout by far
    ensemble = await TestEnsemble.start({ tickMs: 200, sessionlessConnectionTimeoutMs: 300 });
  });
  afterAll(async () => {
    for (const r of raw) r.destroy();
    await Promise.all(clients.map((c) => c.close()));
    await ensemble?.stop();
  });

  async function rawConnection(port: number, from?: string): Promise<RawClient> {
    const client = await RawClient.open(port, from);
    raw.push(client);
    return client;
  }

  /** Whether a new connection gets a session; false when it is reset or closed before any answer. */
  async function getsSession(port: number, from?: string): Promise<boolean> {
    const client = await rawConnection(port, from).catch(() => null);
    return client !== null && (await client.handshake(defaultConnect())) !== null;
  }

  it('closes connections that send no ConnectRequest in time, and only those', async () => {
    const port = ensemble.clientPort(ensemble.sids[0] ?? 1);
    const session = await rawConnection(port);
    expect(await session.handshake(defaultConnect())).not.toBeNull();
    const silent = await rawConnection(port);
    const partial = await rawConnection(port);
    partial.write([Buffer.from([0, 0])]);
    await waitUntil('the connections without a ConnectRequest to be closed', () => silent.closed && partial.closed);
    expect(session.closed).toBe(false);
    await answersPing(session);
  });

  it('takes 60 connections from one address and resets more, while it serves everyone else', async () => {
    const port = ensemble.clientPort(ensemble.sids[1] ?? 2);
    const connectString = `${LOOPBACK}:${port}`;
    const bystander = await ZkClient.connect(connectString, { sessionTimeoutMs: 4_000 });
    clients.push(bystander);
    for (let i = 1; i < MAX_CLIENT_CONNECTIONS_PER_ADDRESS; i++) {
      clients.push(await ZkClient.connect(connectString, { sessionTimeoutMs: 4_000 }));
    }

    expect(await getsSession(port)).toBe(false);
    expect(await ruok(port)).toBe('');

    expect(await ruok(port, OTHER_ADDRESS)).toBe('imok');
    const other = await rawConnection(port, OTHER_ADDRESS);
    expect(await other.handshake(defaultConnect())).not.toBeNull();
    await answersPing(other);
    await bystander.create('/still-served', Buffer.from('yes'));
    expect((await bystander.getData('/still-served')).data?.toString()).toBe('yes');

    await clients.pop()?.close();
    await waitUntil('a place for the capped address again', async () => (await ruok(port)) === 'imok');
  });
});
