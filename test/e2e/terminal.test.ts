// What the CLI prints when its output is not a terminal: `up -d` says on stderr what it waits for, with
// the seconds; `up` in the foreground prints its status line and the events; `events` prints the
// timeline; none of them writes a control code.
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const ESC = '\x1b';
const home = new CliHome();
const small = ['--masters', '2', '--agents', '1'];

afterAll(() => home.cleanup(), 120_000);

describe('CLI output that is not a terminal', () => {
  it('up -d shows what it waits for on stderr, and events has no control codes', { timeout: 120_000 }, async () => {
    const result = await home.run('up', '-d', '--name', 'term-d', ...small);
    expect(result.exitCode, result.stderr).toBe(0);
    const waits = result.stderr.split('\n').filter((l) => l.startsWith('starting cluster term-d: '));
    expect(waits[0]).toMatch(/^starting cluster term-d: the supervisor is starting {2}\[\d+\.\d s\]$/);
    expect(waits.every((l) => / {2}\[\d+\.\d s\]$/.test(l))).toBe(true);
    expect(
      waits.some((l) => /the masters and agents are starting|no master is leading yet|not registered with/.test(l)),
    ).toBe(true);
    expect(result.stderr).not.toContain(ESC);

    const events = await home.run('events', '--name', 'term-d');
    expect(events.stdout).toContain('cluster term-d ready after');
    expect(events.stdout).not.toContain(ESC);
    expect((await home.run('down', '--name', 'term-d')).exitCode).toBe(0);
  });

  it('up in the foreground prints its status line and the events as plain lines until SIGINT', {
    timeout: 120_000,
  }, async () => {
    const up = home.run('up', '--name', 'term-fg', ...small);
    let stdout = '';
    up.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    try {
      await waitUntil(
        'the live status line',
        async () => /^status: zk: zk-\d leads, 3\/3 up \| masters: master-\d leads/m.test(stdout),
        60_000,
      );
      const killed = await home.run('kill', 'leader', '--name', 'term-fg');
      expect(killed.exitCode, killed.stderr).toBe(0);
      await waitUntil(
        'the failover on the event stream',
        async () => / lost \(killed\) → master-\d leading after \d+\.\d s/.test(stdout),
        30_000,
      );
      up.kill('SIGINT');
      const result = await up;
      expect(result.stdout).toMatch(/^events \(Ctrl-C stops the cluster\):$/m);
      expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}master-\d killed \(it was the leading master\)$/m);
      expect(new Set(result.stdout.split('\n').filter((l) => l.startsWith('status: '))).size).toBeGreaterThan(1);
      expect(result.stdout).toMatch(/cluster term-fg stopped$/);
      expect(result.stdout).not.toContain(ESC);
      expect(result.stderr).not.toContain(ESC);
    } finally {
      if (up.exitCode === null) up.kill('SIGKILL');
    }
  });
});
