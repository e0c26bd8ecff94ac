// The proof that an ensemble serves writes: one real create through the ZooKeeper client (an
// ephemeral node, gone again when the probe's session closes).
import { withTimeout } from '../common/clock.js';
import { Err, ZkClient, isZkError } from '../ensemble/client/index.js';
import type { WriteProbe } from './supervisor.js';

const PROBE_NODE = '/minicluster-ready';

export interface ProbeOptions {
  sessionTimeoutMs: number;
  /** Limit for each step (connecting, the write, closing). */
  stepTimeoutMs: number;
}

export function ensembleWriteProbe(options: ProbeOptions): WriteProbe {
  return async (connect) => {
    const ms = options.stepTimeoutMs;
    const client = await ZkClient.connect(connect, {
      sessionTimeoutMs: options.sessionTimeoutMs,
      initialConnectTimeoutMs: ms,
    });
    try {
      await withTimeout(client.create(PROBE_NODE, null, { mode: 'ephemeral' }), { ms, what: `creating ${PROBE_NODE}` });
    } catch (err) {
      // Another probe holds the node: the ensemble still ordered and answered a write.
      if (!isZkError(err, Err.NodeExists)) throw err;
    } finally {
      await withTimeout(client.close(), { ms, what: 'closing the probe session' }).catch(() => undefined);
    }
  };
}
