// The member process itself: what it writes to its data dir, failing fast on a taken port, a clean
// exit on SIGTERM, and never outliving the process that started it.
import { execFile, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memberArgs, type MemberProcessConfig } from '../../src/cluster/member-config.js';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import { MEMBER_ENTRY, waitUntil } from '../helpers/ensemble.js';

const ports = new PortAllocator();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function singleMemberConfig(): Promise<MemberProcessConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'minicluster-member-'));
  dirs.push(dir);
  const entry = {
    sid: 1,
    host: LOOPBACK,
    clientPort: await ports.allocate(),
    quorumPort: await ports.allocate(),
    electionPort: await ports.allocate(),
    role: 'participant' as const,
  };
  return {
    ...entry,
    dataDir: join(dir, 'data'),
    logFile: join(dir, 'zk-1.log'),
    servers: [entry],
    tickMs: 100,
    initLimit: 10,
    syncLimit: 5,
    minSessionTimeoutMs: 200,
    maxSessionTimeoutMs: 2_000,
    fourLetterWords: '*',
    supervisorPid: process.pid,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the member process', () => {
  it('writes myid, a readable zoo.cfg and its database, says ready, and exits 0 on SIGTERM', async () => {
    const config = await singleMemberConfig();
    const child = fork(MEMBER_ENTRY, memberArgs(config), { stdio: 'pipe' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) =>
      child.on('message', (m) => (m as { type?: string }).type === 'ready' && resolve()),
    );
    expect(readFileSync(join(config.dataDir, 'myid'), 'utf8')).toBe('1\n');
    const zooCfg = readFileSync(join(config.dataDir, 'zoo.cfg'), 'utf8');
    expect(zooCfg).toContain('tickTime=100\n');
    expect(zooCfg).toContain(
      `server.1=${LOOPBACK}:${config.quorumPort}:${config.electionPort}:participant;${LOOPBACK}:${config.clientPort}\n`,
    );
    expect(existsSync(join(config.dataDir, 'zk.sqlite'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('fails fast, naming the port, when its client port is taken', async () => {
    const config = await singleMemberConfig();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(config.clientPort, LOOPBACK, resolve));
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [MEMBER_ENTRY, ...memberArgs(config)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('exit', (code) => resolve({ code, stderr }));
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`client port ${config.clientPort} on ${LOOPBACK} is already in use`);
    } finally {
      squatter.close();
    }
  });

  it('exits when the process that started it is killed', async () => {
    const config = await singleMemberConfig();
    // A stand-in supervisor: forks the member as its own child, prints the member's pid, then waits.
    const script = `
      const { fork } = require('node:child_process');
      const config = { ...JSON.parse(process.argv[2]), supervisorPid: process.pid };
      const child = fork(process.argv[1], ['--config', JSON.stringify(config)], { stdio: 'ignore' });
      child.on('message', (m) => { if (m.type === 'ready') console.log(child.pid); });
    `;
    const supervisor = execFile(process.execPath, ['-e', script, MEMBER_ENTRY, JSON.stringify(config)]);
    let out = '';
    supervisor.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const memberPid = await waitUntil('the member to be ready', () =>
      out.includes('\n') ? Number(out.trim()) : undefined,
    );
    expect(alive(memberPid)).toBe(true);
    supervisor.kill('SIGKILL');
    await waitUntil('the member to exit', () => !alive(memberPid), 5_000);
  });
});
