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
/** Reply bytes queued for one client that does not read before its connection is dropped. */
export const MAX_CLIENT_QUEUE_BYTES = 16 * 1024 * 1024;
/** First and longest wait between dials of an election link that keeps failing. */
export const ELECTION_REDIAL_MIN_MS = 50;
export const ELECTION_REDIAL_MAX_MS = 1_000;
/** Wait between dials of the leader's quorum port while it is still opening it. */
export const QUORUM_REDIAL_MS = 50;
/** Bytes of an election hello accepted before the dialler has identified itself. */
export const MAX_ELECTION_HELLO_BYTES = 1024;
/** How long an accepted election connection may take to send its hello (ZooKeeper's cnxTimeout). */
export const ELECTION_HELLO_TIMEOUT_MS = 5_000;
/** Client requests held while the client is disconnected; more fail at once with ConnectionLoss. */
export const MAX_CLIENT_QUEUED_REQUESTS = 1000;
/** Path text per setWatches/setWatches2 request a client sends after a reconnect (ZooKeeper: 128 KB). */
export const MAX_SET_WATCHES_BATCH_BYTES = 128 * 1024;
/** Bytes of a four-letter-word answer the CLI reads before giving up (mntr is ~50 KB). */
export const MAX_FOUR_LETTER_REPLY_BYTES = 1024 * 1024;
/** Observers `up --observers N` accepts. */
export const MAX_OBSERVERS = 16;
/** A client pings at least this often when idle (ZooKeeper's client: 10 s). */
export const CLIENT_MAX_PING_INTERVAL_MS = 10_000;
/** A client that failed to reach every host in turn waits this long before the next round. */
export const CLIENT_RECONNECT_BACKOFF_MS = 250;
/** Longest wait between re-sends of an election notification while LOOKING (ZooKeeper: 60 s). */
export const MAX_NOTIFICATION_INTERVAL_MS = 60_000;
/** Longest quorum packet accepted on a Zab link (a SNAP carries the whole snapshot in one packet). */
export const MAX_QUORUM_PACKET_BYTES = 64 * 1024 * 1024;
/** How often the leader looks for empty containers and expired TTL nodes to delete (ZooKeeper: 60 s). */
export const CONTAINER_CHECK_INTERVAL_MS = 60_000;
/** Terminal tasks a leading master keeps per framework for its endpoints (Mesos: 1000). */
export const MAX_COMPLETED_TASKS_PER_FRAMEWORK = 1000;
/** Tasks of unreachable agents a leading master keeps per partition-aware framework (Mesos: 1000). */
export const MAX_UNREACHABLE_TASKS_PER_FRAMEWORK = 1000;
/** Removed frameworks a leading master remembers, to show them and to refuse their re-subscription (Mesos: 50). */
export const MAX_COMPLETED_FRAMEWORKS = 50;
/** Statuses kept in the history of one task; the oldest go first. */
export const MAX_STATUSES_PER_TASK = 100;
/** Offers one framework may hold at once; the allocator skips it beyond this. */
export const MAX_OUTSTANDING_OFFERS_PER_FRAMEWORK = 1000;
/** Decline filters kept per framework; the oldest go first. */
export const MAX_FILTERS_PER_FRAMEWORK = 1000;
/** Unreachable agents kept in the registry; the oldest go first (Mesos registry_max_agent_count). */
export const MAX_UNREACHABLE_AGENTS = 102_400;
