// Every bound on something that grows lives here, named, so limits are reviewed in one place.

/** ZooKeeper's jute.maxbuffer default: a frame longer than this closes the connection. */
export const MAX_FRAME_BYTES = 0xfffff;
/** Requests a single client connection may have in flight before the server stops reading. */
export const MAX_OUTSTANDING_PER_CONNECTION = 1000;
/** ZooKeeper's globalOutstandingLimit: requests in flight on one member across all connections. */
export const MAX_OUTSTANDING_PER_MEMBER = 1000;
/** Client connections one member accepts from all addresses together. */
export const MAX_CLIENT_CONNECTIONS = 1024;
/** Client connections one member accepts from one address (ZooKeeper's maxClientCnxns, 60); more are reset. */
export const MAX_CLIENT_CONNECTIONS_PER_ADDRESS = 60;
/** How long a client connection may sit idle before its ConnectRequest (ZooKeeper's sessionlessCnxnTimeout, 10 s). */
export const SESSIONLESS_CONNECTION_TIMEOUT_MS = 10_000;
/** Bytes queued for one peer link before it is considered stuck and dropped. */
export const MAX_PEER_QUEUE_BYTES = 64 * 1024 * 1024;
/** Committed txns kept in memory by a leader for DIFF sync (ZooKeeper's commitLogCount, 500). */
export const COMMITTED_LOG_FOR_DIFF = 500;
/** Txns written to the log between snapshots (ZooKeeper's snapCount default is 100000). */
export const SNAP_COUNT = 100_000;
/** Encoded snapshot bytes written per step of a background snapshot or a SNAP sync (one step per event-loop turn). */
export const SNAPSHOT_PIECE_BYTES = 256 * 1024;
/** Messages a leader holds for a learner while it streams it a snapshot; more and the learner is dropped. */
export const MAX_SNAP_BACKLOG_MESSAGES = 100_000;
/** Log entries a snapshot drops per step once it is stored. */
export const LOG_COMPACTION_BATCH = 5_000;
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
/** A master waits this long before it dials ZooKeeper again or rejoins the group after losing its session. */
export const MASTER_ZK_RETRY_MS = 250;
/** Bytes of the registry znode (ZooKeeper refuses data beyond jute.maxbuffer); the oldest unreachable agents go first. */
export const MAX_REGISTRY_BYTES = 1_000_000;
/** Largest v1 scheduler call body a master reads. */
export const MAX_SCHEDULER_CALL_BYTES = 16 * 1024 * 1024;
/** Bytes queued on one scheduler event stream that does not read before the master closes it. */
export const MAX_SCHEDULER_STREAM_BUFFER_BYTES = 64 * 1024 * 1024;
/** Largest agent link message (a re-registration lists every task the agent runs). */
export const MAX_AGENT_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Bytes queued on one agent link that does not read before the master drops it. */
export const MAX_AGENT_LINK_BUFFER_BYTES = 64 * 1024 * 1024;
/** Largest RecordIO record a v1 client accepts from an event stream. */
export const MAX_RECORDIO_RECORD_BYTES = 64 * 1024 * 1024;
/** Terminal tasks an agent keeps for its state endpoint after their updates were acknowledged. */
export const MAX_COMPLETED_TASKS_PER_AGENT = 1000;
/** Bytes one /files/read answers at most (Mesos: 16 pages). */
export const MAX_FILES_READ_BYTES = 16 * 4096;
/** How long an agent waits for the Docker engine to answer before it runs without Docker. */
export const DOCKER_PING_TIMEOUT_MS = 3_000;
/** How long a container's log copy may take to drain after the container exited. */
export const DOCKER_LOG_DRAIN_TIMEOUT_MS = 5_000;
/** At most one image pull progress line per this interval in an agent's log. */
export const DOCKER_PULL_PROGRESS_INTERVAL_MS = 1_000;
/** Masters `up --masters N` accepts. */
export const MAX_MASTERS = 9;
/** Agents `up --agents N` accepts (each gets its own slice of the host port range). */
export const MAX_AGENTS = 32;
/** Bytes of a sandbox file `run` and `logs` print at most (the newest ones). */
export const MAX_SANDBOX_PRINT_BYTES = 16 * 1024 * 1024;
/** App versions the scheduler keeps per app (Marathon's --zk_max_versions, 50). */
export const MARATHON_MAX_VERSIONS = 50;
/** Stored scheduler values larger than this are gzipped (Marathon's --zk_compression_threshold, 64 KiB). */
export const MARATHON_ZK_COMPRESSION_THRESHOLD_BYTES = 64 * 1024;
/**
 * Largest app definition (its JSON as stored) the scheduler accepts: it must fit one znode below
 * MAX_FRAME_BYTES even uncompressed, so anything accepted can be stored, read back and changed.
 */
export const MAX_STORED_APP_BYTES = 1_000_000;
/** Bytes of ops the scheduler sends in one multi request, leaving room below MAX_FRAME_BYTES for the record. */
export const MARATHON_MULTI_BUDGET_BYTES = 1_020_000;
/** Service ports are assigned from this range, inclusive (Marathon's --local_port_min/--local_port_max). */
export const SERVICE_PORT_MIN = 10_000;
export const SERVICE_PORT_MAX = 20_000;
/** Service ports each cluster assigns from, its own part of that range (clusters side by side never share one). */
export const SERVICE_PORTS_PER_CLUSTER = 1_000;
/** Deployments that may run at once (Marathon's --max_running_deployments, 100). */
export const MAX_RUNNING_DEPLOYMENTS = 100;
/** Largest Marathon API request body the scheduler reads. */
export const MAX_MARATHON_BODY_BYTES = 4 * 1024 * 1024;
/** Server-sent-event subscribers the scheduler serves at once. */
export const MAX_EVENT_SUBSCRIBERS = 256;
/** Bytes queued for one event subscriber that does not read before it is dropped. */
export const MAX_EVENT_SUBSCRIBER_BUFFER_BYTES = 8 * 1024 * 1024;
/** Instances one app may ask for. */
export const MAX_APP_INSTANCES = 10_000;
/** Connections the built-in load balancer keeps open per service port. */
export const MAX_LB_CONNECTIONS_PER_PORT = 1024;
/** Longest label key (with the MARATHON_APP_LABEL_ prefix) and value Marathon turns into task environment variables (512). */
export const MARATHON_MAX_ENV_VAR_LENGTH = 512;
/** How long the built-in load balancer waits for one backend to accept before it tries the next. */
export const LB_BACKEND_CONNECT_TIMEOUT_MS = 5_000;
/** Schedulers `up --schedulers N` accepts (one leads, the others stand by). */
export const MAX_SCHEDULERS = 5;
/** Largest server-sent event the Marathon client reads from /v2/events before giving up on the stream. */
export const MAX_SSE_EVENT_BYTES = 16 * 1024 * 1024;
/** Browsers the dashboard serves at once over its WebSocket; more are turned away. */
export const MAX_DASHBOARD_CLIENTS = 32;
/** Snapshot bytes queued for one dashboard browser that does not read before it is dropped. */
export const MAX_DASHBOARD_CLIENT_QUEUE_BYTES = 8 * 1024 * 1024;
/** Timeline events one dashboard snapshot carries (the newest). */
export const MAX_DASHBOARD_EVENTS = 200;
/** Points kept per dashboard chart series; the oldest go first. */
export const MAX_DASHBOARD_CHART_POINTS = 500;
/** Steps kept per recorded election (a three-member election takes about 40); later ones are counted, not kept. */
export const MAX_ELECTION_STEPS = 400;
/** Elections the supervisor keeps for replay, the newest; older ones go. */
export const MAX_ELECTIONS_KEPT = 50;
/** A leader reports its first commit, then at most one commit per this interval, for the dashboard to animate. */
export const COMMIT_SAMPLE_INTERVAL_MS = 2_000;
/** Messages between components (votes, Zab packets) one dashboard snapshot carries to animate, the newest. */
export const MAX_DASHBOARD_TRAFFIC = 60;
/** Task state changes the cluster timeline takes per second; the rest are counted in one summary line. */
export const MAX_TIMELINE_TASK_EVENTS_PER_SECOND = 20;
/** Shortest time between two redraws of a progress line or of `up`'s live status on a terminal (at most four a second). */
export const TERMINAL_REDRAW_MS = 250;
/** A deployment that cannot progress has its reason printed again this often while `deploy` waits. */
export const DEPLOY_REASON_REPEAT_MS = 10_000;
/** How often `up` in the foreground refreshes its live status when nothing happens (app counts and health). */
export const LIVE_STATUS_POLL_MS = 1_000;
/** Rows `up`'s live status leaves for the events below it on a small terminal. */
export const LIVE_STATUS_MIN_EVENT_ROWS = 5;
/** Instances the scheduler launches on one offer (Marathon's --max_instances_per_offer): big scale-ups spread over offer cycles. */
export const MAX_INSTANCES_PER_OFFER = 50;
/** Unused offers an app in the launch queue keeps (the last of each agent), for `/v2/queue?embed=lastUnusedOffers`. */
export const MAX_UNUSED_OFFERS_PER_APP = 50;
/** Containers an agent starts at once; more wait their turn, so the agent keeps answering its master while it starts hundreds. */
export const MAX_CONCURRENT_LAUNCHES_PER_AGENT = 8;
/** Mesos refuses a task or executor id longer than NAME_MAX (255 characters): agents name sandbox directories after them. */
export const MESOS_MAX_ID_LENGTH = 255;
/**
 * Longest app or group id, with its leading `/` (Marathon sets none). Task ids add 52 characters
 * (`<id>.instance-<uuid>._app.1` without the `/`), so they stay within MESOS_MAX_ID_LENGTH, and every URL the API
 * serves for the app (`/v2/apps/<id>/tasks/<task id>` the longest) stays far below Node's 16 KiB request-header limit.
 */
export const MAX_APP_ID_LENGTH = 200;
/** Marathon's RAML strings.Uri and strings.Path: a fetch uri; a fetch destPath and a readiness check path. */
export const MARATHON_MAX_URI_LENGTH = 1024;
export const MARATHON_MAX_PATH_LENGTH = 1024;
/** Marathon's RAML strings.NetworkName: the name of a network an app joins. */
export const MARATHON_MAX_NETWORK_NAME_LENGTH = 63;
/**
 * Longest other string in an app definition, map keys included (cmd, each of args, env and label keys and values,
 * …), where Marathon sets none: an environment variable `NAME=VALUE` stays below Linux's 128 KiB limit on one
 * string passed to a program (MAX_ARG_STRLEN) even when every character takes 3 bytes in UTF-8.
 */
export const MAX_APP_STRING_LENGTH = 16 * 1024;
/** Distinct foreign Hosts and Origins a server logs once each when it refuses them; beyond, it refuses silently. */
export const MAX_LOGGED_REFUSALS = 100;
/** Characters of a refused Host or Origin header quoted in a log line or an answer. */
export const MAX_LOGGED_HEADER_CHARS = 200;
/** Text of a component's log a master or agent keeps for `/files/read` of `/master/log` or `/slave/log` (the newest). */
export const MAX_READABLE_LOG_BYTES = 4 * 1024 * 1024;
/** Bytes of a component's JSON log read at once while turning it into text. */
export const READABLE_LOG_READ_BYTES = 1024 * 1024;
/** Docker stats calls one agent has in flight at once for /monitor/statistics; more wait their turn. */
export const MAX_CONCURRENT_DOCKER_STATS = 8;
/** How long an agent reuses a sandbox's measured size (Mesos's --container_disk_watch_interval, 15 s). */
export const DISK_USAGE_INTERVAL_MS = 15_000;
/** Callback URLs /v2/eventSubscriptions accepts (Marathon sets none); more are refused. */
export const MAX_EVENT_CALLBACK_SUBSCRIBERS = 64;
/** Events waiting behind the one being POSTed to one callback URL; beyond, the oldest are dropped. */
export const MAX_EVENT_CALLBACK_QUEUE = 1_000;
/** How long one POST to a callback URL may take before it counts as failed (Marathon's --http_event_request_timeout, 10 s). */
export const EVENT_CALLBACK_TIMEOUT_MS = 10_000;
/** Time zones of schedules whose Intl formatter is kept; the cache starts over beyond (zone ids are user input). */
export const CHRONOS_MAX_CACHED_ZONES = 64;
/** Longest string field of a Chronos job (a command, a description, an environment value). */
export const CHRONOS_MAX_STRING_LENGTH = 64 * 1024;
/** Longest Chronos job name: its task ids (`ct:<due>:<attempt>:<name>:<arguments>`) must stay within MESOS_MAX_ID_LENGTH. */
export const CHRONOS_MAX_JOB_NAME_LENGTH = 200;
/** Jobs one Chronos keeps. */
export const CHRONOS_MAX_JOBS = 10_000;
/** Largest job (its JSON as stored): one znode below MAX_FRAME_BYTES with its record around it. */
export const CHRONOS_MAX_JOB_BYTES = 1_000_000;
/** Largest Chronos API request body read. */
export const MAX_CHRONOS_BODY_BYTES = 2 * 1024 * 1024;
/** Finished tasks kept per job for `/job/stat` and `jobs history`: Chronos's --job_history_limit. */
export const CHRONOS_JOB_HISTORY_LIMIT = 5;
/** Times one run is launched again after Mesos never saw its launch, before it counts as a failure. */
export const CHRONOS_MAX_RELAUNCHES = 10;
/** Tasks of one concurrent job in flight at once; more runs wait in the queue. */
export const CHRONOS_MAX_TASKS_PER_JOB = 100;
/** Bytes of ops the Chronos store sends in one multi request, below MAX_FRAME_BYTES with room for the record. */
export const CHRONOS_MULTI_BUDGET_BYTES = 1_020_000;
/** Tasks Chronos launches on one offer (Marathon's --max_instances_per_offer, 50, is the same idea): a burst of due jobs spreads over offer cycles, each input's writes stay within a multi. */
export const CHRONOS_MAX_TASKS_PER_OFFER = 100;
