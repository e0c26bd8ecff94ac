// Every bound on something that grows lives here, named, so limits are reviewed in one place.

/** ZooKeeper's jute.maxbuffer default: a frame longer than this closes the connection. */
export const MAX_FRAME_BYTES = 0xfffff;
/** Requests a single client connection may have in flight before the server stops reading. */
export const MAX_OUTSTANDING_PER_CONNECTION = 1000;
/** ZooKeeper's globalOutstandingLimit: requests in flight on one member across all connections. */
export const MAX_OUTSTANDING_PER_MEMBER = 1000;
/** Client connections one member accepts (ZooKeeper: maxClientCnxns per IP, 60). */
export const MAX_CLIENT_CONNECTIONS = 1024;
/** Bytes queued for one peer link before it is considered stuck and dropped. */
export const MAX_PEER_QUEUE_BYTES = 64 * 1024 * 1024;
/** Committed txns kept in memory by a leader for DIFF sync (ZooKeeper's commitLogCount, 500). */
export const COMMITTED_LOG_FOR_DIFF = 500;
/** Txns written to the log between snapshots (ZooKeeper's snapCount default is 100000). */
export const SNAP_COUNT = 100_000;
/** Longest election message payload accepted on an election link. */
export const MAX_ELECTION_MESSAGE_BYTES = 512 * 1024;
/** Entries kept in the cluster's event timeline file before the oldest are dropped. */
export const MAX_TIMELINE_EVENTS = 10_000;
