// The master's web UI in Chromium against a cluster started with the CLI (3 masters, 2 agents, the
// scheduler) running one process app: the leading master's summary, agents, frameworks, tasks and a
// task's sandbox; an agent's page with the CPUs and memory its executors use (numbers, from the agent's
// /monitor/statistics); roles, maintenance and the master's log; a standby's page naming and linking the
// leader; no console errors; a screenshot each.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MesosMasterClient } from '../../src/api/mesos.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { describeWithBrowser, type WatchedPage } from '../helpers/browser.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'master-ui';
const APP = { id: '/printer', cmd: 'echo hello-sandbox; sleep 1000', cpus: 0.05, mem: 16 };
const WAIT_MS = 10_000;
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

function masterUrl(status: ClusterStatus, role: 'leading' | 'standby'): string {
  const master = status.masters.find((m) => m.role === role);
  if (master === undefined) throw new Error(`no ${role} master in ${JSON.stringify(status.masters)}`);
  return master.url;
}

/** Waits until `selector` shows `text` (the page redraws every 2 s). */
async function shows(watched: WatchedPage, selector: string, text: string | RegExp): Promise<void> {
  await watched.page.locator(selector, { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

async function visit(
  watched: WatchedPage,
  navLabel: string,
  check: () => Promise<void>,
  screenshot: string,
): Promise<void> {
  await watched.page.locator('header nav a', { hasText: navLabel }).click();
  await check();
  await watched.screenshot(screenshot);
}

describeWithBrowser('the master web UI', (browser) => {
  let status: ClusterStatus;

  beforeAll(async () => {
    status = await home.up(CLUSTER);
    const file = join(home.dir, 'printer.json');
    writeFileSync(file, JSON.stringify(APP));
    await home.ok('deploy', file, '--name', CLUSTER);
  }, 120_000);

  it('shows the summary, agents, frameworks, tasks and a sandbox on the leading master', {
    timeout: 60_000,
  }, async () => {
    const leader = masterUrl(status, 'leading');
    const watched = await browser().open(`${leader}/`);
    await shows(watched, '#leader', new URL(leader).host);
    await shows(watched, '#agent-count', '2 activated');
    await shows(watched, '[data-state="TASK_RUNNING"] strong', '1');
    expect(await watched.page.locator('#standby').count()).toBe(0);
    await watched.screenshot('master-ui-summary');

    await visit(
      watched,
      'Agents',
      () => watched.page.locator('main table tbody tr').nth(1).waitFor({ timeout: WAIT_MS }),
      'master-ui-agents',
    );
    expect(await watched.page.locator('main table tbody tr').count()).toBe(2);
    await visit(watched, 'Frameworks', () => shows(watched, 'main td', /^marathon$/), 'master-ui-frameworks');
    await visit(watched, 'Tasks', () => shows(watched, 'main tr', /printer.*running/), 'master-ui-tasks');

    await watched.page.locator('main tr', { hasText: 'printer' }).locator('a.task-id').click();
    await shows(watched, 'a.file', /^stdout$/);
    await watched.screenshot('master-ui-sandbox');
    await watched.page.locator('a.file', { hasText: /^stdout$/ }).click();
    await shows(watched, 'pre.file-content', 'hello-sandbox');
    await watched.screenshot('master-ui-sandbox-stdout');
    expect(watched.errors).toEqual([]);
  });

  it("shows an agent's used CPUs and memory as numbers, the roles, the maintenance and the master's log", {
    timeout: 60_000,
  }, async () => {
    const leader = masterUrl(status, 'leading');
    const { tasks } = await new MesosMasterClient(leader).tasks();
    const agentId = tasks.find((t) => t.name.startsWith('printer'))?.slave_id ?? '';
    const watched = await browser().open(`${leader}/`);
    await visit(watched, 'Agents', () => shows(watched, 'a.agent-id', agentId), 'master-ui-agents-links');
    await watched.page.locator('a.agent-id', { hasText: agentId }).click();
    await shows(watched, 'a.executor-id', /^printer\./);
    const cpus = (await watched.page.locator('#agent-cpus-used').textContent()) ?? '';
    const mem = (await watched.page.locator('#agent-mem-used').textContent()) ?? '';
    expect(cpus).toMatch(/^\d+(\.\d+)?$/);
    expect(mem).toMatch(/^\d+(\.\d+)? (MB|GB)$/);
    await watched.screenshot('master-ui-agent');
    await visit(watched, 'Roles', () => shows(watched, 'main td code', '*'), 'master-ui-roles');
    await visit(
      watched,
      'Maintenance',
      () => shows(watched, 'main p', 'No maintenance is scheduled.'),
      'master-ui-maintenance',
    );
    await watched.page.locator('header nav a', { hasText: 'Summary' }).click();
    await watched.page.locator('#master-log').click();
    await shows(watched, 'pre.file-content', /Elected as the leading master/);
    await watched.screenshot('master-ui-log');
    expect(watched.errors).toEqual([]);
  });

  it("says on a standby's page which master leads and links there", { timeout: 30_000 }, async () => {
    const leader = new URL(masterUrl(status, 'leading')).host;
    const watched = await browser().open(`${masterUrl(status, 'standby')}/`);
    await shows(watched, '#standby', `The leading master is ${leader}`);
    const href = await watched.page.locator('#leader-link').getAttribute('href');
    expect(new URL(href ?? '').host).toBe(leader);
    await watched.screenshot('master-ui-standby');
    expect(watched.errors).toEqual([]);
  });
});
