// Component hosts: a worker thread and a forked process through the same ComponentHost life cycle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForkHost, WorkerHost, type ExitInfo, type HostEvents } from '../../src/cluster/host.js';
import { isAlive } from '../../src/cluster/cluster-file.js';

const dir = mkdtempSync(join(tmpdir(), 'minicluster-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function recorder() {
  const messages: unknown[] = [];
  const exits: ExitInfo[] = [];
  const events: HostEvents = {
    onLaunch: () => undefined,
    onMessage: (m) => messages.push(m),
    onExit: (e) => exits.push(e),
  };
  return { messages, exits, events };
}

const WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
parentPort.on('message', (m) => { if (m.type === 'stop') process.exit(0); });
parentPort.postMessage({ type: 'ready', echo: workerData });
`;

describe('WorkerHost', () => {
  it('starts on ready, stops on request, and can be killed after a restart', async () => {
    const { messages, exits, events } = recorder();
    const host = new WorkerHost({
      name: 'w',
      entry: script('worker.mjs', WORKER),
      workerData: { n: 7 },
      readyTimeoutMs: 5_000,
      stopGraceMs: 5_000,
      events,
    });
    await host.start();
    expect(host.state).toBe('running');
    expect(host.pid).toBe(process.pid);
    expect(messages).toEqual([{ type: 'ready', echo: { n: 7 } }]);
    await host.stop();
    expect(host.state).toBe('exited');
    expect(exits).toEqual([{ code: 0, signal: null }]);
    await host.start();
    await host.kill();
    expect(host.state).toBe('killed');
    expect(host.pid).toBeNull();
    expect(exits).toHaveLength(2);
  });
});

describe('ForkHost', () => {
  it('gives up on a component that never reports ready, and kills it', async () => {
    const { events } = recorder();
    let pid = 0;
    const host = new ForkHost({
      name: 'silent',
      modulePath: script('silent.mjs', 'setInterval(() => {}, 1000);'),
      args: [],
      outputFile: join(dir, 'silent.out'),
      execArgv: [],
      readyTimeoutMs: 300,
      stopGraceMs: 1_000,
      events: { ...events, onLaunch: (p) => (pid = p) },
    });
    await expect(host.start()).rejects.toThrow('silent did not report ready within 0.3 s');
    await host.stop();
    expect(isAlive(pid)).toBe(false);
    expect(host.state).toBe('killed');
  });

  it('sends SIGKILL when a component ignores SIGTERM past its grace period', async () => {
    const { exits, events } = recorder();
    const host = new ForkHost({
      name: 'stubborn',
      modulePath: script(
        'stubborn.mjs',
        "process.on('SIGTERM', () => {}); process.send({ type: 'ready' }); setInterval(() => {}, 1000);",
      ),
      args: [],
      outputFile: join(dir, 'stubborn.out'),
      execArgv: [],
      readyTimeoutMs: 5_000,
      stopGraceMs: 200,
      events,
    });
    await host.start();
    await host.stop();
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
  });
});
