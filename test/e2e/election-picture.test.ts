// The cluster picture and the election replay in Chromium, against a cluster started with the CLI: a
// killed ensemble leader is replaced in the picture within a second and its election is listed, and
// replayed with its votes before its sync; a killed leading master's agents move their links to the new
// one; `events --election` tells the same; the idle page stays under a CPU budget; no console errors.
// Screenshots go to test-artifacts/screenshots/.
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser } from '../helpers/browser.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'picture';
const WAIT_MS = 20_000;
/** The promise: the picture shows the new leader within a second of the kill. */
const NEW_LEADER_MS = 1_000;
/** Idle, the page may keep the main thread busy at most this share of the time (its chart redraws each second). */
const IDLE_CPU_SHARE = 0.05;
const IDLE_WINDOW_MS = 5_000;

const home = new CliHome();

afterAll(() => home.cleanup(), 60_000);

/** The name of the node the picture draws with `attribute="value"` among names starting with `prefix`. */
function node(page: Page, prefix: string, attribute: string, value: string): Promise<string | null> {
  return page
    .locator(`svg.picture g[data-node^="${prefix}"][${attribute}="${value}"]`)
    .first()
    .getAttribute('data-node', { timeout: WAIT_MS });
}

/** The master each agent's link goes to, as drawn (`cut` while the agent is not registered with it). */
function agentLinks(page: Page): Promise<string[]> {
  return page
    .locator('svg.picture path[data-link^="agent-"]')
    .evaluateAll((paths) =>
      paths
        .map(
          (p) =>
            `${p.getAttribute('data-link')}>${p.getAttribute('data-to')}${p.classList.contains('cut') ? ' cut' : ''}`,
        )
        .sort(),
    );
}

/** The steps shown by the player, in the order shown. */
function shownSteps(page: Page): Promise<string[]> {
  return page
    .locator('#replay ol.sequence li.step:not([hidden])')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step') ?? ''));
}

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
}

describeWithBrowser('the cluster picture and the election replay', (browser) => {
  let url: string;

  beforeAll(async () => {
    await home.up(CLUSTER);
    url = (await home.status(CLUSTER)).dashboard ?? '';
  }, 90_000);

  it('shows a new LEADING member within a second of `kill zk-leader`, lists the election and replays its votes, then its sync', async () => {
    const { page, errors, screenshot } = await browser().open(url);
    const old = await node(page, 'zk-', 'data-state', 'LEADING');
    await expect.poll(() => page.locator('svg.picture path.quorum').count(), { timeout: WAIT_MS }).toBe(2);
    await screenshot('picture-start');

    await home.control(CLUSTER).kill('zk-leader');
    const winner = page.locator(`svg.picture g[data-node^="zk-"][data-state="LEADING"]:not([data-node="${old}"])`);
    await winner.waitFor({ timeout: NEW_LEADER_MS });
    const leader = await winner.getAttribute('data-node');
    expect(await page.locator(`svg.picture g[data-node="${old}"]`).getAttribute('data-state')).toBe('killed');
    await screenshot('picture-new-zk-leader');

    const listed = page.locator(`#elections li[data-kind="ensemble"][data-winner="${leader}"]`);
    await listed.first().waitFor({ timeout: WAIT_MS });
    await listed.first().locator('button[data-action="replay"]').click();
    await expect.poll(() => page.locator('#replay .verdict').textContent()).toMatch(new RegExp(`^${leader} won: `));
    await page.click('#replay button[data-action="step"]');
    await page.click('#replay button[data-action="step"]');
    expect(await shownSteps(page)).toEqual(['lost', 'looking']);
    await page.click('#replay button[data-action="all"]');
    const steps = await shownSteps(page);
    const first = (step: string): number => steps.indexOf(step);
    for (const step of ['vote-sent', 'vote-received', 'decided', 'learner-info', 'new-epoch', 'epoch-acked', 'sync'])
      expect(first(step), `${step} in ${steps.join(' ')}`).toBeGreaterThan(-1);
    expect(first('looking')).toBeLessThan(first('vote-sent'));
    expect(first('vote-sent')).toBeLessThan(first('decided'));
    expect(Math.max(...steps.flatMap((s, i) => (s.startsWith('vote') ? [i] : [])))).toBeLessThan(first('new-epoch'));
    expect(first('epoch-acked')).toBeLessThan(first('sync'));
    expect(first('sync')).toBeLessThan(first('newleader-acked'));
    const sync = page.locator('#replay li.step[data-step="sync"] .words').first();
    expect(await sync.textContent()).toMatch(/^zk-\d → zk-\d: (DIFF|TRUNC|SNAP) .*then NEWLEADER$/);
    await screenshot('replay-ensemble-election');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("moves the agents' links to the new leading master after `kill leader`, and replays the masters' contest", async () => {
    const { page, errors, screenshot } = await browser().open(url);
    const lost = await node(page, 'master-', 'data-role', 'leading');
    await expect.poll(() => agentLinks(page), { timeout: WAIT_MS }).toEqual([`agent-1>${lost}`, `agent-2>${lost}`]);

    await home.control(CLUSTER).kill('leader');
    const winner = page.locator(`svg.picture g[data-node^="master-"][data-role="leading"]:not([data-node="${lost}"])`);
    await winner.waitFor({ timeout: WAIT_MS });
    const leading = await winner.getAttribute('data-node');
    await expect
      .poll(() => agentLinks(page), { timeout: WAIT_MS })
      .toEqual([`agent-1>${leading}`, `agent-2>${leading}`]);
    await screenshot('picture-agents-moved');

    const listed = page.locator(`#elections li[data-kind="masters"][data-winner="${leading}"]`);
    await listed.first().locator('button[data-action="replay"]').click({ timeout: WAIT_MS });
    await expect
      .poll(() => page.locator('#replay .verdict').textContent())
      .toMatch(
        new RegExp(
          `^${leading} won: its json\\.info_\\d{10} has the lowest sequence in the group; ${lost}'s json\\.info_\\d{10} is gone$`,
        ),
      );
    await page.click('#replay button[data-action="all"]');
    const steps = await shownSteps(page);
    expect(steps[0]).toBe('lost');
    expect(steps.indexOf('session-expired')).toBeGreaterThan(0);
    expect(steps.indexOf('session-expired')).toBeLessThan(steps.indexOf('elected'));
    await screenshot('replay-masters-contest');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('tells the same elections with `events --election [N]`, as text and as JSON', async () => {
    const [latest] = await home.control(CLUSTER).elections();
    const ensemble = (await home.control(CLUSTER).elections()).find((e) => e.kind === 'ensemble' && e.id > 1);
    const text = await home.ok('events', '--election', '--name', CLUSTER);
    expect(text.split('\n')[0]).toBe(
      `election ${latest?.id}, contest for leading master; decided after ${(((latest?.decidedAt ?? 0) - (latest?.startedAt ?? 0)) / 1000).toFixed(1)} s: ${latest?.verdict}`,
    );
    const record = JSON.parse(await home.ok('events', '--election', String(ensemble?.id), '--json', '--name', CLUSTER));
    expect(record).toMatchObject({ id: ensemble?.id, kind: 'ensemble', winner: ensemble?.winner });
    expect(record.steps.map((s: { detail: { step: string } }) => s.detail.step)).toContain('sync');
    const unknown = await home.run('events', '--election', '9999', '--name', CLUSTER);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^error: no election 9999 \(kept: 1 to \d+\)$/);
  });

  it('keeps the main thread nearly idle while nothing happens (no animation loop)', async () => {
    const { page, errors } = await browser().open(url);
    await page.locator('svg.picture g[data-node]').first().waitFor({ timeout: WAIT_MS });
    await expect.poll(() => page.locator('svg.picture g.packet').count(), { timeout: WAIT_MS }).toBe(0);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const [busy, since] = [await taskSeconds(cdp), Date.now()];
    await page.waitForTimeout(IDLE_WINDOW_MS);
    const share = (await taskSeconds(cdp)) - busy;
    expect(share / ((Date.now() - since) / 1000)).toBeLessThan(IDLE_CPU_SHARE);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
