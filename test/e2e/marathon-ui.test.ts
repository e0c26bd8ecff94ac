// The Marathon-style UI at /ui/ in Chromium, against a real SchedulerCore behind the real API with a
// simulated Mesos: create through the form, the app's tasks and health, scale, validation errors in words and
// JSON mistakes by line and column, restart with the lock message (naming its deployment) and force, the
// deployments page with rollback and force stop, the Waiting and Suspended statuses, destroy, a standby serving
// the page; no console errors.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, type WatchedPage } from '../helpers/browser.js';
import { MarathonHarness, startStandby } from '../helpers/marathon-harness.js';
import { FRAMEWORK_ID } from '../helpers/mesos-sim.js';

/** A process app; the simulated agents answer its TCP health check. */
const APP = {
  id: '/ui-demo',
  cmd: 'sleep 1000',
  instances: 1,
  cpus: 0.05,
  mem: 16,
  healthChecks: [{ protocol: 'TCP', intervalSeconds: 1, gracePeriodSeconds: 5 }],
};
const WAIT = { timeout: 10_000 };
/** What Chromium logs for the answers these tests provoke on purpose (422 invalid app, 409 lock). */
const PROVOKED = /Failed to load resource: the server responded with a status of (409|422)/;

/** Simulated time moving with real time (10×), and stoppable to hold a deployment in place. */
class SimClock {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly harness: MarathonHarness) {}

  run(): void {
    this.timer ??= setInterval(() => this.harness.advance(50), 5);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

const runningTasks = (page: Page) =>
  page.locator('[data-role=tasks] tr[data-task]', { has: page.locator('.badge.TASK_RUNNING') });

describeWithBrowser('the Marathon-style UI', (browser) => {
  let harness: MarathonHarness;
  let clock: SimClock;
  let ui: WatchedPage;

  beforeAll(async () => {
    harness = await MarathonHarness.start();
    clock = new SimClock(harness);
    clock.run();
    ui = await browser().open(`${harness.url}/ui`);
  });

  afterAll(async () => {
    clock.stop();
    await ui.page.close();
    await harness.close();
  });

  it('redirects /ui to /ui/ and shows the leader and the framework id', async () => {
    expect(new URL(ui.page.url()).pathname).toBe('/ui/');
    await expect.poll(() => ui.page.locator('[data-role=leader]').textContent(), WAIT).toBe(new URL(harness.url).host);
    expect(await ui.page.locator('[data-role=framework]').textContent()).toBe(FRAMEWORK_ID);
  });

  it('creates an app from the form and lists it, then shows its task running on its page', async () => {
    const { page } = ui;
    await page.fill('[data-role=create] textarea', JSON.stringify(APP, null, 2));
    await page.click('[data-role=create] button[type=submit]');
    const row = page.locator('tr[data-app="/ui-demo"]');
    await row.waitFor(WAIT);
    await expect.poll(() => row.locator('td').nth(5).textContent(), WAIT).toBe('Running');
    await ui.screenshot('marathon-ui-apps');
    await row.locator('a').first().click();
    await runningTasks(page).first().waitFor(WAIT);
    expect(await page.locator('[data-role=tasks] a.endpoint').first().textContent()).toMatch(/^[\w.-]+:\d+$/);
    await page.locator('[data-role=tasks] .badge.healthy', { hasText: 'alive' }).first().waitFor(WAIT);
    expect(await page.locator('[data-role=config]').textContent()).toContain('"cmd": "sleep 1000"');
    expect(await page.locator('[data-role=versions] li').count()).toBeGreaterThan(0);
  });

  it('scales the app to 2 from its page', async () => {
    const { page } = ui;
    await page.fill('input[name=instances]', '2');
    await page.click('button[data-action=scale]');
    await expect.poll(() => runningTasks(page).count(), WAIT).toBe(2);
    await ui.screenshot('marathon-ui-app');
  });

  it('restarts the app, shows the deployment, and offers force when the app is locked', async () => {
    const { page } = ui;
    clock.stop();
    await page.click('button[data-action=restart]');
    const started = page.locator('[data-role=action-result] a[data-deployment]');
    await started.waitFor(WAIT);
    await page.locator('[data-role=app-deployments]').waitFor(WAIT);
    const locking = await started.getAttribute('data-deployment');
    await page.click('button[data-action=restart]');
    const lock = page.locator('[data-role=action-result] [data-role=action-error]', {
      hasText: 'App is locked by one or more deployments',
    });
    await lock.waitFor(WAIT);
    expect(await lock.textContent()).toBe(
      `Restart failed: App is locked by one or more deployments. Override with the Force button. View details at '/v2/deployments/${locking}'.`,
    );
    await page.click('[data-role=action-result] button[data-action=force]');
    await started.waitFor(WAIT);
    const forced = await started.getAttribute('data-deployment');
    await page.goto(`${harness.url}/ui/#/deployments`);
    const row = page.locator(`tr[data-deployment="${forced}"]`);
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain('/ui-demo');
    expect(await row.locator('li.current').textContent()).toContain('RestartApplication /ui-demo');
    await ui.screenshot('marathon-ui-deployments');
  });

  it('force-stops a deployment, and rolls one back', async () => {
    const { page } = ui;
    await page.locator('[data-role=deployments] tr[data-deployment] button[data-action=stop]').click();
    await page.locator('[data-role=deployments]', { hasText: 'No deployment in progress.' }).waitFor(WAIT);
    await harness.client.putApp(APP.id, { instances: 3 });
    const scaling = page.locator('[data-role=deployments] tr[data-deployment]', {
      hasText: 'ScaleApplication /ui-demo',
    });
    await scaling.locator('button[data-action=rollback]').click(WAIT);
    await page.locator('[data-role=action-result] a[data-deployment]').waitFor(WAIT);
    await scaling.waitFor({ ...WAIT, state: 'detached' });
    clock.run();
    await page.goto(`${harness.url}/ui/#/apps/ui-demo`);
    await expect.poll(() => page.locator('input[name=instances]').inputValue(), WAIT).toBe('2');
  });

  it('says why an app waits and that an app without instances is suspended', async () => {
    const { page } = ui;
    await harness.client.createApp({ id: '/ui-huge', cmd: 'sleep 1000', cpus: 64, mem: 16 });
    await harness.client.createApp({ id: '/ui-idle', cmd: 'sleep 1000', instances: 0, cpus: 0.05, mem: 16 });
    await page.goto(`${harness.url}/ui/#/apps`);
    const status = (id: string) => page.locator(`tr[data-app="${id}"] td`).nth(5).textContent();
    await expect.poll(() => status('/ui-huge'), WAIT).toMatch(/^Waitingoffers declined: Insufficient\w+ \(\d+×\)$/);
    await expect.poll(() => status('/ui-idle'), WAIT).toBe('Suspended');
    await ui.screenshot('marathon-ui-statuses');
    await harness.client.deleteApp('/ui-huge');
    await harness.client.deleteApp('/ui-idle');
  });

  it('shows the validation errors of an invalid app next to the form', async () => {
    const { page } = ui;
    await page.goto(`${harness.url}/ui/#/apps`);
    await page.fill('[data-role=create] textarea', JSON.stringify({ id: '/ui-bad', instances: 1 }));
    await page.click('[data-role=create] button[type=submit]');
    const errors = page.locator('[data-role=create-errors]');
    await errors.locator('li[data-path="/"]').waitFor(WAIT);
    expect(await errors.textContent()).toContain(
      "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.",
    );
    await page.fill('[data-role=create] textarea', JSON.stringify({ id: '/ui-bad', cmd: 'sleep 1', cpus: -1 }));
    await page.click('[data-role=create] button[type=submit]');
    await errors.locator('li[data-path="/cpus"]', { hasText: 'cpus must be at least 0.001' }).waitFor(WAIT);
    expect(await errors.locator('li').allTextContents()).toEqual(['cpus must be at least 0.001']);
    await ui.screenshot('marathon-ui-create-invalid');
    await page.fill('[data-role=create] textarea', '{ "id": "/ui-bad",\n  "cmd": }');
    await page.click('[data-role=create] button[type=submit]');
    await errors
      .locator('.error', { hasText: "Invalid JSON: line 2, column 10: expected a value, found '}'" })
      .waitFor(WAIT);
  });

  it('is served by a standby too, which proxies its API calls to the leader', async () => {
    const standby = await startStandby(harness.url);
    const other = await browser().open(`${standby.url}/ui/`);
    try {
      await other.page.locator('tr[data-app="/ui-demo"]').waitFor(WAIT);
      expect(await other.page.locator('[data-role=leader]').textContent()).toBe(new URL(harness.url).host);
      expect(other.errors).toEqual([]);
    } finally {
      await other.page.close();
      await standby.close();
    }
  });

  it('destroys the app from its page', async () => {
    const { page } = ui;
    await page.goto(`${harness.url}/ui/#/apps/ui-demo`);
    await runningTasks(page).first().waitFor(WAIT);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button[data-action=destroy]');
    await page.waitForURL(/#\/apps$/, WAIT);
    await page.locator('[data-role=apps]', { hasText: 'No applications yet' }).waitFor(WAIT);
  });

  it('logged no console errors besides the answers provoked on purpose', () => {
    expect(ui.errors.filter((e) => !PROVOKED.test(e))).toEqual([]);
  });
});
