// Failover of a real ensemble: kill -9 of the leader, a new leader within seconds, no acknowledged
// write lost, and members that were down (briefly, or through many writes) catching up on return.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK } from '../../src/common/ports.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { TestEnsemble, fourLetterWord, waitUntil } from '../helpers/ensemble.js';

/** Retry pause of the background writer after a failed write (connection loss during failover). */
const WRITE_RETRY_MS = 20;
const NEW_LEADER_WITHIN_MS = 5_000;

const srvrZxid = async (port: number): Promise<string | undefined> =>
  /^Zxid: (0x[0-9a-f]+)$/m.exec(await fourLetterWord(port, 'srvr'))?.[1];

/**
 * Writes /f/n-<i> one after another until stopped, remembering every write the ensemble acknowledged.
 * A session that expired while the ensemble had no leader is replaced by a new one.
 */
function backgroundWriter(connect: () => Promise<ZkClient>): { acked: string[]; stop: () => Promise<void> } {
  const acked: string[] = [];
  let running = true;
  const loop = (async () => {
    let client: ZkClient | null = null;
    for (let i = 0; running; i++) {
      try {
        client ??= await connect();
        acked.push(await client.create(`/f/n-${i}`, Buffer.from(String(i))));
      } catch {
        if (client !== null && (client.state === 'expired' || client.state === 'closed')) {
          await client.close();
          client = null;
        }
        await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_MS));
      }
    }
    await client?.close();
  })();
  return {
    acked,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('ensemble failover', () => {
  let ensemble: TestEnsemble;

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
  });
  afterAll(async () => {
    await ensemble?.stop();
  });

  const connectTo = (sid: number): Promise<ZkClient> =>
    ZkClient.connect(`${LOOPBACK}:${ensemble.clientPort(sid)}`, { sessionTimeoutMs: 2_000 });

  async function expectAllPresent(sid: number, paths: string[]): Promise<void> {
    const client = await connectTo(sid);
    try {
      await client.sync('/f');
      const children = new Set(await client.getChildren('/f'));
      const missing = paths.filter((p) => !children.has(p.slice('/f/'.length)));
      expect(missing, `acknowledged writes missing on zk-${sid}`).toEqual([]);
    } finally {
      await client.close();
    }
  }

  async function expectCaughtUp(sid: number): Promise<void> {
    const leader = await waitUntil('a leader', () => ensemble.leader());
    await waitUntil(`zk-${sid} at the leader's zxid`, async () => {
      const [mine, leaders] = await Promise.all([
        srvrZxid(ensemble.clientPort(sid)),
        srvrZxid(ensemble.clientPort(leader)),
      ]);
      return mine !== undefined && mine === leaders;
    });
  }

  it('elects a new leader after kill -9 of the leader and keeps every acknowledged write', async () => {
    const connect = (): Promise<ZkClient> => ZkClient.connect(ensemble.connectString, { sessionTimeoutMs: 2_000 });
    const setup = await connect();
    await setup.create('/f', null);
    await setup.close();
    const writer = backgroundWriter(connect);
    try {
      await waitUntil('writes before the kill', () => writer.acked.length >= 20);
      const old = ensemble.leader();
      if (old === undefined) throw new Error('no leader');
      const killedAt = Date.now();
      await ensemble.kill(old);
      const next = await ensemble.waitForQuorum(NEW_LEADER_WITHIN_MS);
      expect(next).not.toBe(old);
      expect(Date.now() - killedAt).toBeLessThan(NEW_LEADER_WITHIN_MS);
      const before = writer.acked.length;
      await waitUntil('writes after the failover', () => writer.acked.length >= before + 20, 15_000);
      await writer.stop();
      for (const sid of ensemble.sids.filter((s) => s !== old)) await expectAllPresent(sid, writer.acked);

      await ensemble.restart(old);
      await ensemble.waitForQuorum();
      await expectCaughtUp(old);
      await expectAllPresent(old, writer.acked);
    } finally {
      await writer.stop();
    }
  }, 60_000);

  it('brings back a member that missed many writes (DIFF or SNAP)', async () => {
    const follower = ensemble.sids.find((sid) => ensemble.status(sid)?.state === 'FOLLOWING');
    if (follower === undefined) throw new Error('no follower');
    await ensemble.kill(follower);
    const others = ensemble.sids.filter((sid) => sid !== follower);
    const client = await ZkClient.connect(others.map((sid) => `${LOOPBACK}:${ensemble.clientPort(sid)}`).join(','), {
      sessionTimeoutMs: 2_000,
    });
    const batches = 12;
    const perBatch = 50;
    try {
      await client.create('/many', null);
      for (let b = 0; b < batches; b++) {
        await Promise.all(
          Array.from({ length: perBatch }, (_, i) => client.create(`/many/n-${b * perBatch + i}`, Buffer.from('x'))),
        );
      }
    } finally {
      await client.close();
    }
    await ensemble.restart(follower);
    await ensemble.waitForQuorum();
    await expectCaughtUp(follower);
    const direct = await connectTo(follower);
    try {
      expect(await direct.getChildren('/many')).toHaveLength(batches * perBatch);
    } finally {
      await direct.close();
    }
  }, 60_000);
});
