// Test ensembles: real member processes (dist/ensemble/io/main.js) on free loopback ports with
// temporary data dirs, followed through the state messages they send over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MEMBER_NODE_FLAGS,
  memberArgs,
  type MemberProcessConfig,
  type ServerEntry,
  type ServerState,
} from '../../src/cluster/member-config.js';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import { REPO_ROOT } from './repo.js';

export const MEMBER_ENTRY = join(REPO_ROOT, 'dist', 'ensemble', 'io', 'main.js');

const START_TIMEOUT_MS = 20_000;

export interface MemberStatus {
  state: ServerState;
  /** Zab sub-phase; 'broadcast' once the member serves clients. */
  phase: string;
  zxid: bigint;
  leader: number | null;
  epoch: number;
}

export interface EnsembleOptions {
  participants?: number;
  observers?: number;
  tickMs?: number;
  /** Passed to every member as is (see MemberProcessConfig). */
  maxClientCnxns?: number;
  sessionlessConnectionTimeoutMs?: number;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends a four-letter word to a client port (from another loopback address if given), resolves with the answer. */
export function fourLetterWord(port: number, word: string, from?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port, localAddress: from }, () => socket.write(`${word}\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

interface RunningMember {
  config: MemberProcessConfig;
  child: ChildProcess | null;
  status: MemberStatus | null;
  output: string;
}

export class TestEnsemble {
  private constructor(
    private readonly dir: string,
    private readonly members: Map<number, RunningMember>,
  ) {}

  static async start(options: EnsembleOptions = {}): Promise<TestEnsemble> {
    const dir = mkdtempSync(join(tmpdir(), 'minicluster-ensemble-'));
    const servers = await allocateServers(options.participants ?? 3, options.observers ?? 0);
    const tickMs = options.tickMs ?? 100;
    const members = new Map<number, RunningMember>();
    for (const server of servers) {
      const config: MemberProcessConfig = {
        ...server,
        dataDir: join(dir, `zk-${server.sid}`),
        logFile: join(dir, `zk-${server.sid}.log`),
        servers,
        tickMs,
        initLimit: 10,
        syncLimit: 5,
        minSessionTimeoutMs: 2 * tickMs,
        maxSessionTimeoutMs: 20 * tickMs,
        fourLetterWords: '*',
        supervisorPid: process.pid,
        maxClientCnxns: options.maxClientCnxns,
        sessionlessConnectionTimeoutMs: options.sessionlessConnectionTimeoutMs,
      };
      members.set(server.sid, { config, child: null, status: null, output: '' });
    }
    const ensemble = new TestEnsemble(dir, members);
    try {
      await Promise.all([...members.keys()].map((sid) => ensemble.launch(sid)));
      await ensemble.waitForQuorum();
    } catch (err) {
      await ensemble.stop();
      throw err;
    }
    return ensemble;
  }

  get sids(): number[] {
    return [...this.members.keys()];
  }

  get connectString(): string {
    return this.sids.map((sid) => `${LOOPBACK}:${this.config(sid).clientPort}`).join(',');
  }

  config(sid: number): MemberProcessConfig {
    return this.member(sid).config;
  }

  clientPort(sid: number): number {
    return this.config(sid).clientPort;
  }

  status(sid: number): MemberStatus | null {
    return this.member(sid).status;
  }

  /** The sid of the member that says it is LEADING, if any. */
  leader(): number | undefined {
    return this.sids.find((sid) => this.member(sid).status?.state === 'LEADING');
  }

  /** What a member wrote on stdout/stderr (crash traces). */
  output(sid: number): string {
    return this.member(sid).output;
  }

  pid(sid: number): number | undefined {
    return this.member(sid).child?.pid;
  }

  /** Waits until the running members serve: one LEADING, every other one FOLLOWING (or OBSERVING) it. */
  async waitForQuorum(timeoutMs = START_TIMEOUT_MS): Promise<number> {
    return waitUntil(
      `a leader and followers among ${this.describe()}`,
      () => {
        const running = this.sids.filter((sid) => this.member(sid).child !== null);
        const leaders = running.filter((sid) => this.status(sid)?.state === 'LEADING');
        const settled = running.every((sid) => {
          const s = this.status(sid);
          if (s?.phase !== 'broadcast') return false;
          return (
            s.state === 'LEADING' ||
            (s.state === (this.config(sid).role === 'observer' ? 'OBSERVING' : 'FOLLOWING') && s.leader === leaders[0])
          );
        });
        return leaders.length === 1 && settled ? leaders[0] : undefined;
      },
      timeoutMs,
    );
  }

  /** SIGKILL, as `kill -9` does; resolves once the process is gone. */
  async kill(sid: number): Promise<void> {
    const m = this.member(sid);
    const child = m.child;
    if (child === null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed member again with the same config and data dir; resolves once it is ready. */
  async restart(sid: number): Promise<void> {
    await this.kill(sid);
    await this.launch(sid);
  }

  async stop(): Promise<void> {
    await Promise.all(this.sids.map((sid) => this.kill(sid)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private member(sid: number): RunningMember {
    const m = this.members.get(sid);
    if (m === undefined) throw new Error(`no member with sid ${sid}`);
    return m;
  }

  private describe(): string {
    return this.sids.map((sid) => `zk-${sid}=${this.status(sid)?.state ?? 'down'}`).join(' ');
  }

  private launch(sid: number): Promise<void> {
    const m = this.member(sid);
    m.status = null;
    const child = fork(MEMBER_ENTRY, memberArgs(m.config), {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [...MEMBER_NODE_FLAGS],
    });
    m.child = child;
    const collect = (chunk: Buffer): void => {
      m.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('message', (raw) => {
      const msg = raw as {
        type?: string;
        state?: ServerState;
        phase?: string;
        zxid?: string;
        leader?: number | null;
        epoch?: number;
      };
      if (msg.type === 'state' && msg.state !== undefined && msg.zxid !== undefined) {
        m.status = {
          state: msg.state,
          phase: msg.phase ?? '',
          zxid: BigInt(msg.zxid),
          leader: msg.leader ?? null,
          epoch: msg.epoch ?? 0,
        };
      }
    });
    child.once('exit', () => {
      if (m.child === child) {
        m.child = null;
        m.status = null;
      }
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`zk-${sid} not ready within ${START_TIMEOUT_MS} ms:\n${m.output}`)),
        START_TIMEOUT_MS,
      );
      child.on('message', (raw) => {
        if ((raw as { type?: string }).type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`zk-${sid} exited (${code ?? signal}) before it was ready:\n${m.output}`));
      });
    });
  }
}

async function allocateServers(participants: number, observers: number): Promise<ServerEntry[]> {
  const ports = new PortAllocator();
  const servers: ServerEntry[] = [];
  for (let sid = 1; sid <= participants + observers; sid++) {
    servers.push({
      sid,
      host: LOOPBACK,
      clientPort: await ports.allocate(),
      quorumPort: await ports.allocate(),
      electionPort: await ports.allocate(),
      role: sid > participants ? 'observer' : 'participant',
    });
  }
  return servers;
}
