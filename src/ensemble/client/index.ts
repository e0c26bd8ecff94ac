// The ZooKeeper client's public surface: ZkClient, ZkError, option and result types, ACL lists
// and digest ids, and the recipes built on the client.
export { ZkClient, type ZkClientOptions, type ZkState, type WatchOptions, type PersistentWatchMode } from './client.js';
export { ZkError, isZkError } from './errors.js';
export { parseConnectString, type ConnectString, type HostPort } from './connect-string.js';
export {
  OPEN_ACL_UNSAFE,
  READ_ACL_UNSAFE,
  CREATOR_ALL_ACL,
  digestId,
  type CreateMode,
  type CreateOptions,
  type Op,
  type OpResult,
} from './ops.js';
export type { Watcher, WatchedEvent, WatchEventType, WatcherKind } from './watches.js';
export { Err, Perms, type ACL, type Id, type Stat } from '../wire/records.js';
export { LeaderElection, currentLeader, electionOrder, type LeaderElectionOptions } from './recipes/leader-election.js';
export { NodeCache, ChildrenCache } from './recipes/caches.js';
