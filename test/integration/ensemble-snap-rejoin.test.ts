// A follower that rejoins a 100,000-znode ensemble by SNAP while clients keep writing: the leader
// streams the snapshot a piece per turn instead of stalling, so the first SNAP succeeds and no write
// waits long for it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMITTED_LOG_FOR_DIFF } from '../../src/common/limits.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';
import { createZnodes, steadyWriter } from '../helpers/znode-load.js';

const ZNODES = 100_000;
/** The longest a write may wait while the follower rejoins (the bound; ZooKeeper's own is 30–80 ms). */
const MAX_WRITE_WAIT_MS = 100;

describe('a follower rejoining by SNAP under load', () => {
  let ensemble: TestEnsemble;
  let client: ZkClient;

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
    const leader = await ensemble.waitForQuorum();
    client = await ZkClient.connect(`${LOOPBACK}:${ensemble.clientPort(leader)}`);
    await createZnodes(client, ZNODES);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await ensemble?.stop();
  });

  it(`syncs at the first attempt and no write waits over ${MAX_WRITE_WAIT_MS} ms`, { timeout: 120_000 }, async () => {
    const leader = await ensemble.waitForQuorum();
    const follower = ensemble.sids.find((sid) => sid !== leader) ?? 0;
    const logFile = ensemble.config(leader).logFile;
    await ensemble.kill(follower);
    const writer = steadyWriter(client);
    await waitUntil(
      'the follower is too far behind for a DIFF',
      async () => writer.latencies.length > COMMITTED_LOG_FOR_DIFF * 2,
      30_000,
    );
    const logBefore = readFileSync(logFile, 'utf8').length;
    const restartedAt = writer.latencies.length;
    await ensemble.restart(follower);
    await ensemble.waitForQuorum(60_000);
    const during = writer.latencies.slice(restartedAt);
    await writer.stop();
    const log = readFileSync(logFile, 'utf8').slice(logBefore);
    expect(log.match(new RegExp(`Learner sid: ${follower} [^"]* by SNAP`, 'g'))).toHaveLength(1);
    expect(log).not.toContain(`Closing connection to learner sid: ${follower}`);
    expect(during.length).toBeGreaterThan(10);
    expect(Math.max(...during)).toBeLessThan(MAX_WRITE_WAIT_MS);
  });
});
