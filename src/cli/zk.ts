// The ZooKeeper session behind the `zk` commands: connect to the cluster's ZooKeeper, run one
// operation, close; ZooKeeper errors become one-line UserErrors in zkCli's words.
import { TimeoutError, withTimeout } from '../common/clock.js';
import { UserError, errorMessage } from '../common/errors.js';
import { requireRunning, zkServers } from '../cluster/cluster-file.js';
import type { ClusterPaths } from '../cluster/paths.js';
import { ZkClient, ZkError } from '../ensemble/client/index.js';

/** Session timeout the `zk` commands ask for. */
const SESSION_TIMEOUT_MS = 10_000;
/** How long one `zk` command waits to connect, and for its operation. */
const STEP_TIMEOUT_MS = 15_000;

const ZKCLI_WORDS: Record<string, string> = {
  NoNode: 'Node does not exist',
  NodeExists: 'Node already exists',
  NotEmpty: 'Node not empty',
  BadVersion: 'version No is not valid',
  NoChildrenForEphemerals: 'Ephemerals cannot have children',
  NoAuth: 'Insufficient permission',
  BadArguments: 'Invalid path or arguments',
};

export async function withZk<T>(paths: ClusterPaths, path: string, op: (client: ZkClient) => Promise<T>): Promise<T> {
  const connect = zkServers(requireRunning(paths));
  const client = await ZkClient.connect(connect, {
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    initialConnectTimeoutMs: STEP_TIMEOUT_MS,
  }).catch((err: unknown) => {
    throw new UserError(`cannot connect to ZooKeeper at ${connect}: ${errorMessage(err)}`);
  });
  try {
    return await withTimeout(op(client), { ms: STEP_TIMEOUT_MS, what: `the request on ${path}` });
  } catch (err) {
    throw asUserError(err, path);
  } finally {
    await withTimeout(client.close(), { ms: STEP_TIMEOUT_MS, what: 'closing the session' }).catch(() => undefined);
  }
}

function asUserError(err: unknown, path: string): unknown {
  if (err instanceof ZkError) return new UserError(`${ZKCLI_WORDS[err.codeName] ?? err.codeName}: ${path}`);
  return err instanceof TimeoutError ? new UserError(err.message) : err;
}
