// Runs a real Apache ZooKeeper from the installed distribution (standalone or a 3-member ensemble)
// on free loopback ports with a temp dataDir, so tests can compare against the real thing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import { describeRequiring } from './requirement.js';

/** Where Debian's zookeeper package puts bin/zkServer.sh; ZOOKEEPER_HOME overrides it. */
const DEBIAN_ZOOKEEPER_HOME = '/usr/share/zookeeper';
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
const FOUR_LETTER_TIMEOUT_MS = 2000;

export interface RealZooKeeperOptions {
  /** 1 = standalone, 3 = an ensemble. */
  members?: 1 | 3;
  /** Sessions may be 2..120 ticks long. */
  tickTimeMs?: number;
  /**
   * JVM flags for the servers. Tests default to a small, quick-starting JVM; a benchmark passes
   * `null` to run ZooKeeper with the distribution's own JVM settings.
   */
  jvmFlags?: string | null;
}

/** Small heap and no full JIT: quick to start and light beside the tests. */
export const TEST_JVM_FLAGS = '-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1';

export interface RealMember {
  id: number;
  clientPort: number;
}

export interface RealZooKeeper {
  /** `127.0.0.1:p1,127.0.0.1:p2,…` in member order. */
  readonly connectString: string;
  readonly members: readonly RealMember[];
  /** kill -9 of one member's JVM. */
  stopMember(id: number): Promise<void>;
  /** Starts a stopped member again with the same data and waits until it serves. */
  startMember(id: number): Promise<void>;
  /** Stops every member and removes the data. */
  stop(): Promise<void>;
}

export function zookeeperHome(): string {
  return process.env['ZOOKEEPER_HOME'] ?? DEBIAN_ZOOKEEPER_HOME;
}

function serverScript(): string {
  return join(zookeeperHome(), 'bin', 'zkServer.sh');
}

export const ZOOKEEPER_SWITCH = 'MINICLUSTER_REQUIRE_ZOOKEEPER';

/**
 * A describe() that needs a real ZooKeeper 3.8 on this machine: skipped saying why when java or the
 * distribution is missing, failed instead under MINICLUSTER_REQUIRE_ZOOKEEPER=1.
 */
export function describeWithRealZooKeeper(name: string, body: () => void): void {
  describeRequiring({ switch: ZOOKEEPER_SWITCH, missing: realZooKeeperMissing() }, name, body);
}

/** Why a real ZooKeeper cannot run here (java or the distribution missing), or null when it can. */
export function realZooKeeperMissing(): string | null {
  if (!onPath('java')) return 'java is not on PATH';
  if (!existsSync(serverScript())) return `${serverScript()} not found (set ZOOKEEPER_HOME)`;
  const jars = classpathJars();
  if (jars.length === 0) return `zkServer.sh in ${zookeeperHome()} names no ZooKeeper jar`;
  const absent = jars.find((jar) => !existsSync(jar));
  return absent === undefined ? null : `ZooKeeper jar ${absent} is missing`;
}

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The jar entries of the classpath zkServer.sh would start the server with. */
function classpathJars(): string[] {
  try {
    const cmd = execFileSync(serverScript(), ['print-cmd', join(tmpdir(), 'none', 'zoo.cfg')], {
      env: serverEnv(tmpdir()),
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
    const classpath = /-cp "([^"]*)"/.exec(cmd)?.[1] ?? '';
    return classpath.split(':').filter((entry) => entry.endsWith('.jar'));
  } catch {
    return [];
  }
}

function serverEnv(logDir: string, jvmFlags: string | null = TEST_JVM_FLAGS): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, JMXDISABLE: 'true', ZOO_LOG_DIR: logDir };
  if (jvmFlags !== null) env['SERVER_JVMFLAGS'] = jvmFlags;
  return env;
}

/** Starts ZooKeeper and waits until every member answers `srvr` with a Mode line; null if it cannot run here. */
export async function startRealZooKeeper(options: RealZooKeeperOptions = {}): Promise<RealZooKeeper | null> {
  if (realZooKeeperMissing() !== null) return null;
  const count = options.members ?? 1;
  const root = mkdtempSync(join(tmpdir(), 'real-zk-'));
  const ports = new PortAllocator();
  const specs: MemberSpec[] = [];
  for (let id = 1; id <= count; id++) {
    specs.push({
      id,
      clientPort: await ports.allocate(),
      quorumPort: await ports.allocate(),
      electionPort: await ports.allocate(),
    });
  }
  const jvmFlags = options.jvmFlags === undefined ? TEST_JVM_FLAGS : options.jvmFlags;
  const cluster = new Cluster({ root, specs, tickTimeMs: options.tickTimeMs ?? 250, jvmFlags });
  try {
    await Promise.all(specs.map((s) => cluster.startMember(s.id)));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

interface MemberSpec extends RealMember {
  quorumPort: number;
  electionPort: number;
}

class Cluster implements RealZooKeeper {
  readonly connectString: string;
  private readonly processes = new Map<number, ChildProcess>();
  private readonly killAll = (): void => {
    for (const child of this.processes.values()) killGroup(child);
  };

  private readonly root: string;
  private readonly specs: MemberSpec[];
  private readonly jvmFlags: string | null;

  constructor(opts: { root: string; specs: MemberSpec[]; tickTimeMs: number; jvmFlags: string | null }) {
    ({ root: this.root, specs: this.specs, jvmFlags: this.jvmFlags } = opts);
    this.connectString = opts.specs.map((s) => `${LOOPBACK}:${s.clientPort}`).join(',');
    for (const spec of opts.specs) writeMemberConfig(opts.root, spec, opts.specs, opts.tickTimeMs);
    process.once('exit', this.killAll);
  }

  get members(): RealMember[] {
    return this.specs.map(({ id, clientPort }) => ({ id, clientPort }));
  }

  async startMember(id: number): Promise<void> {
    const spec = this.spec(id);
    const dir = join(this.root, `zk-${id}`);
    const out = openSync(join(dir, 'server.out'), 'a');
    const child = spawn(serverScript(), ['start-foreground', join(dir, 'zoo.cfg')], {
      env: serverEnv(dir, this.jvmFlags),
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.processes.set(id, child);
    await waitServing(spec.clientPort, child, join(dir, 'server.out'));
  }

  async stopMember(id: number): Promise<void> {
    const child = this.processes.get(id);
    this.processes.delete(id);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    killGroup(child);
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all(this.specs.map((s) => this.stopMember(s.id)));
    process.off('exit', this.killAll);
    rmSync(this.root, { recursive: true, force: true });
  }

  private spec(id: number): MemberSpec {
    const spec = this.specs.find((s) => s.id === id);
    if (spec === undefined) throw new Error(`no member ${id}`);
    return spec;
  }
}

function writeMemberConfig(root: string, spec: MemberSpec, all: MemberSpec[], tickTimeMs: number): void {
  const dir = join(root, `zk-${spec.id}`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const lines = [
    `tickTime=${tickTimeMs}`,
    'initLimit=10',
    'syncLimit=5',
    `maxSessionTimeout=${tickTimeMs * 120}`,
    `dataDir=${join(dir, 'data')}`,
    '4lw.commands.whitelist=*',
    'admin.enableServer=false',
  ];
  if (all.length === 1) {
    lines.push(`clientPort=${spec.clientPort}`, `clientPortAddress=${LOOPBACK}`);
  } else {
    for (const s of all)
      lines.push(`server.${s.id}=${LOOPBACK}:${s.quorumPort}:${s.electionPort};${LOOPBACK}:${s.clientPort}`);
    writeFileSync(join(dir, 'data', 'myid'), `${spec.id}\n`);
  }
  writeFileSync(join(dir, 'zoo.cfg'), `${lines.join('\n')}\n`);
}

/** The whole process group: zkServer.sh execs the JVM, which leads the group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function waitServing(clientPort: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ZooKeeper on port ${clientPort} exited: ${tail(log)}`);
    }
    if (/^Mode: (standalone|leader|follower|observer)$/m.test(await fourLetterWord(clientPort, 'srvr'))) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  killGroup(child);
  throw new Error(`ZooKeeper on port ${clientPort} did not serve within ${READY_TIMEOUT_MS} ms: ${tail(log)}`);
}

/** A four-letter word's answer ('' when the port does not answer). */
export function fourLetterWord(clientPort: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: LOOPBACK, port: clientPort }, () => socket.end(word));
    socket.setTimeout(FOUR_LETTER_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no output)';
  }
}
