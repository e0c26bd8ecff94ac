// Entry of an ensemble member process: reads its config, opens its data dir and storage, starts the
// client and election ports around the core, and reports to the supervisor over IPC.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  ORPHAN_CHECK_INTERVAL_MS,
  parseMemberArgs,
  type ElectionMessage,
  type MemberMessage,
  type MemberProcessConfig,
  type StateMessage,
} from '../../cluster/member-config.js';
import { errorMessage } from '../../common/errors.js';
import { createLogger, type Logger } from '../../common/logging.js';
import { Member } from '../core/member.js';
import { hexZxid } from '../core/txn.js';
import { SqliteStorage } from '../storage/sqlite.js';
import { ClientListener } from './client-listener.js';
import { ElectionLinks, QuorumLinks } from './peer-links.js';
import { MemberRuntime } from './runtime.js';
import { ensembleConfigText, renderZooCfg } from './zoo-cfg.js';

/** ZooKeeper's finalizeWait: how long a quorum of agreeing votes must stand before deciding. */
const FINALIZE_WAIT_MS = 200;
const SESSION_SECRET_BYTES = 16;
const ZXID_REPORT_INTERVAL_MS = 1_000;

function prepareDataDir(config: MemberProcessConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(join(config.dataDir, 'myid'), `${config.sid}\n`);
  writeFileSync(join(config.dataDir, 'zoo.cfg'), renderZooCfg(config));
}

function report(message: MemberMessage | ElectionMessage): void {
  process.send?.(message);
}

/**
 * Passes state changes on to the supervisor, and between them re-sends the last state with the
 * member's current zxid once a second when it moved, so `status` shows zxids as they advance.
 */
function stateReporter(member: Member): (message: StateMessage) => void {
  let last: StateMessage | null = null;
  setInterval(() => {
    const zxid = hexZxid(member.replicated.lastZxid);
    if (last !== null && last.zxid !== zxid) send({ ...last, zxid });
  }, ZXID_REPORT_INTERVAL_MS).unref();
  const send = (message: StateMessage): void => {
    last = message;
    report(message);
  };
  return send;
}

function createMember(config: MemberProcessConfig, storage: SqliteStorage): Member {
  return new Member({
    sid: config.sid,
    servers: config.servers.map((s) => ({ sid: s.sid, role: s.role })),
    tickMs: config.tickMs,
    initLimit: config.initLimit,
    syncLimit: config.syncLimit,
    finalizeWaitMs: config.finalizeWaitMs ?? FINALIZE_WAIT_MS,
    minSessionTimeoutMs: config.minSessionTimeoutMs,
    maxSessionTimeoutMs: config.maxSessionTimeoutMs,
    secret: randomBytes(SESSION_SECRET_BYTES),
    clientPort: config.clientPort,
    dataDir: config.dataDir,
    recovered: storage.load(),
    now: Date.now(),
    config: ensembleConfigText(config.servers),
    env: {
      'host.name': hostname(),
      'node.version': process.version,
      'os.name': process.platform,
      'user.dir': process.cwd(),
    },
  });
}

/** Builds the member and its shells, opens its ports, and keeps it running until told to stop. */
async function run(config: MemberProcessConfig, log: Logger): Promise<void> {
  prepareDataDir(config);
  const storage = new SqliteStorage({ file: join(config.dataDir, 'zk.sqlite') });
  const member = createMember(config, storage);
  const runtime = new MemberRuntime({
    core: member,
    storage,
    tickMs: config.tickMs,
    now: Date.now,
    log,
    report: stateReporter(member),
    reportStep: report,
    electionDelayMs: config.electionMessageDelayMs,
    onFatal: (err) => {
      log.error({ err: errorMessage(err) }, 'Unrecoverable error, exiting');
      process.stderr.write(`zk-${config.sid}: ${errorMessage(err)}\n`);
      stop(1, 'fatal error');
    },
  });
  const submit = runtime.submit.bind(runtime);
  const peers = {
    self: config,
    servers: config.servers,
    submit,
    log,
    leaderDialTimeoutMs: config.initLimit * config.tickMs,
  };
  const clients = new ClientListener({
    host: config.host,
    port: config.clientPort,
    submit,
    now: Date.now,
    log,
    maxClientCnxns: config.maxClientCnxns,
    sessionlessTimeoutMs: config.sessionlessConnectionTimeoutMs,
  });
  const election = new ElectionLinks(peers);
  const quorum = new QuorumLinks(peers);
  runtime.attach({ clients, election, quorum });

  let stopping = false;
  function stop(code: number, why: string): void {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'Shutting down');
    runtime.stop();
    clients.close();
    election.close();
    quorum.close();
    storage.close();
    process.exit(code);
  }
  process.on('SIGTERM', () => stop(0, 'SIGTERM'));
  process.on('disconnect', () => stop(0, 'supervisor channel closed'));
  setInterval(() => {
    if (process.ppid !== config.supervisorPid) stop(0, 'supervisor is gone');
  }, ORPHAN_CHECK_INTERVAL_MS).unref();

  try {
    await Promise.all([clients.listen(), election.listen()]);
  } catch (err) {
    process.stderr.write(`zk-${config.sid}: ${errorMessage(err)}\n`);
    log.error({ err: errorMessage(err) }, 'Cannot open ports');
    stop(1, 'port unavailable');
    return;
  }
  runtime.start();
  election.start();
  log.info({ clientPort: config.clientPort, electionPort: config.electionPort }, 'Member started');
  report({ type: 'ready' });
}

const config = parseMemberArgs(process.argv.slice(2));
const log = createLogger({ component: `zk-${config.sid}`, file: config.logFile, sync: true });
run(config, log).catch((err: unknown) => {
  process.stderr.write(`zk-${config.sid}: ${errorMessage(err)}\n`);
  log.error({ err: errorMessage(err) }, 'Member failed to start');
  process.exit(1);
});
