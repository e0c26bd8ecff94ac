// A three-member ensemble of real member processes: one leader, four-letter words naming the roles,
// the quorum port open only on the leader, and writes through any member visible on all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK, probePort } from '../../src/common/ports.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { TestEnsemble, fourLetterWord, waitUntil } from '../helpers/ensemble.js';

const srvrZxid = (text: string): string | undefined => /^Zxid: (0x[0-9a-f]+)$/m.exec(text)?.[1];

describe('a three-member ensemble', () => {
  let ensemble: TestEnsemble;

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
  });
  afterAll(async () => {
    await ensemble?.stop();
  });

  it('has exactly one leader, followed by the other two', () => {
    const states = ensemble.sids.map((sid) => ensemble.status(sid)?.state);
    expect(states.filter((s) => s === 'LEADING')).toHaveLength(1);
    expect(states.filter((s) => s === 'FOLLOWING')).toHaveLength(2);
    const leader = ensemble.leader();
    for (const sid of ensemble.sids) expect(ensemble.status(sid)?.leader).toBe(leader);
  });

  it('answers srvr with the mode of each member and ruok with imok', async () => {
    const leader = ensemble.leader();
    for (const sid of ensemble.sids) {
      const srvr = await fourLetterWord(ensemble.clientPort(sid), 'srvr');
      expect(srvr).toMatch(/^Zookeeper version: /);
      expect(srvr).toContain(`\nMode: ${sid === leader ? 'leader' : 'follower'}\n`);
      expect(srvrZxid(srvr)).toBeDefined();
      expect(await fourLetterWord(ensemble.clientPort(sid), 'ruok')).toBe('imok');
    }
  });

  it('listens on the quorum port only on the leader, on client and election ports everywhere', async () => {
    const leader = ensemble.leader();
    for (const sid of ensemble.sids) {
      const config = ensemble.config(sid);
      expect(await probePort(config.quorumPort), `quorum port of zk-${sid}`).toBe(
        sid === leader ? null : config.quorumPort,
      );
      expect(await probePort(config.clientPort)).toBeNull();
      expect(await probePort(config.electionPort)).toBeNull();
    }
  });

  it('makes a write through any member visible on every member after sync', async () => {
    const clients = await Promise.all(
      ensemble.sids.map((sid) =>
        ZkClient.connect(`${LOOPBACK}:${ensemble.clientPort(sid)}`, { sessionTimeoutMs: 2_000 }),
      ),
    );
    try {
      await Promise.all(clients.map((c, i) => c.create(`/basic-${i}`, Buffer.from(`written via member ${i}`))));
      for (const reader of clients) {
        await reader.sync('/');
        for (let i = 0; i < clients.length; i++) {
          const { data } = await reader.getData(`/basic-${i}`);
          expect(data?.toString()).toBe(`written via member ${i}`);
        }
        expect((await reader.getChildren('/')).sort()).toEqual(['basic-0', 'basic-1', 'basic-2', 'zookeeper']);
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    await waitUntil('every member at the same zxid', async () => {
      const zxids = await Promise.all(
        ensemble.sids.map(async (sid) => srvrZxid(await fourLetterWord(ensemble.clientPort(sid), 'srvr'))),
      );
      return new Set(zxids).size === 1;
    });
  });
});
