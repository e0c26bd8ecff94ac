// The live dashboard in Chromium against a cluster started with the CLI (process apps, so no Docker):
// three members with one leader, a leading-master kill whose failover and gap appear without reload,
// an app deployed from the form with its tasks running and its service port, which another process
// holds, flagged with why; Marathon's validation errors in words by path, a JSON mistake by line and
// column, and no console errors; without the token, 401s and a page that says which URL to open.
// Screenshots go to test-artifacts/screenshots/.
import { createServer, type Server } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readClusterFile } from '../../src/cluster/cluster-file.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { describeWithBrowser } from '../helpers/browser.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'dashboard';
const HELLO = '{"id":"/hello","cmd":"sleep 1000","instances":2,"cpus":0.05,"mem":16}';
const INVALID = '{"id":"/broken","cmd":"sleep 1000","instances":1,"cpus":-1,"mem":16}';
const WAIT_MS = 20_000;

const home = new CliHome();
/** Holds the first service port of the cluster, which /hello gets, so the load balancer cannot serve it. */
const holder: Server = createServer();

afterAll(async () => {
  holder.close();
  await home.cleanup();
}, 60_000);

/** The name of the component row that has `role`, among rows whose name starts with `prefix`. */
async function withRole(page: Page, prefix: string, role: string): Promise<string | null> {
  return page
    .locator(`tr[data-component^="${prefix}"][data-role="${role}"]`)
    .first()
    .getAttribute('data-component', { timeout: WAIT_MS });
}

describeWithBrowser('the live dashboard', (browser) => {
  let url: string;

  let servicePort = 0;

  beforeAll(async () => {
    await home.up(CLUSTER);
    url = (await home.status(CLUSTER)).dashboard ?? '';
    servicePort = readClusterFile(home.paths(CLUSTER))?.servicePorts?.begin ?? 0;
    await new Promise<void>((resolve) => holder.listen(servicePort, LOOPBACK, resolve));
  }, 90_000);

  it('shows the cluster, follows a failover, deploys from the form and lists validation errors', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=\w+$/);
    const { page, errors, screenshot } = await browser().open(url);
    const members = page.locator('tr[data-component^="zk-"]');
    await expect.poll(() => members.count(), { timeout: WAIT_MS }).toBe(3);
    await expect
      .poll(() => page.locator('tr[data-component^="zk-"][data-role="leader"]').count(), { timeout: WAIT_MS })
      .toBe(1);
    await screenshot('dashboard-start');

    const lost = await withRole(page, 'master-', 'leading');
    await page.locator('#tables summary').click();
    await page.locator(`tr[data-component="${lost}"] button[data-action="kill"]`).click();
    const winner = page.locator(`tr[data-component^="master-"][data-role="leading"]:not([data-component="${lost}"])`);
    await winner.waitFor({ timeout: WAIT_MS });
    const failover = page.locator('#timeline li.failover').filter({ hasText: `${lost} lost (killed)` });
    await failover.waitFor({ timeout: WAIT_MS });
    expect(await failover.first().textContent()).toMatch(
      /leading after \d+\.\d s → 2\/2 agents re-registered after \d+\.\d s/,
    );
    expect(await page.locator(`tr[data-component="${lost}"] button[data-action="start"]`).count()).toBe(1);
    await screenshot('dashboard-failover');

    await page.fill('#app-json', HELLO);
    await page.click('#deploy-button');
    const hello = page.locator('tr[data-app="/hello"]');
    await expect
      .poll(async () => (await hello.locator('td.running').textContent({ timeout: WAIT_MS })) ?? '', {
        timeout: WAIT_MS,
      })
      .toMatch(/^2 \//);
    await expect
      .poll(() => hello.locator('a', { hasText: /^127\.0\.0\.1:\d+$/ }).count(), { timeout: WAIT_MS })
      .toBe(2);
    const unserved = hello.locator(`[data-unserved-port="${servicePort}"]`);
    await unserved.waitFor({ timeout: WAIT_MS });
    expect(await unserved.textContent()).toMatch(
      new RegExp(`^service port ${servicePort} not served: listen EADDRINUSE`),
    );
    await screenshot('dashboard-deployed');
    expect(errors).toEqual([]);

    await page.fill('#app-json', '{\n  "id": "/broken",\n  "cpus": 0.1\n  "mem": 16\n}');
    await page.click('#deploy-button');
    await page
      .locator('#deploy-result', { hasText: `not valid JSON: line 4, column 3: expected ',' or '}', found '"'` })
      .waitFor({ timeout: WAIT_MS });

    await page.fill('#app-json', INVALID);
    await page.click('#deploy-button');
    await expect
      .poll(async () => (await page.locator('#deploy-errors li[data-path="/cpus"]').allTextContents()).join(), {
        timeout: WAIT_MS,
      })
      .toBe('cpus must be at least 0.001');
    await screenshot('dashboard-invalid');

    // Chromium logs the refused request itself; the page adds nothing.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
    await page.close();
  }, 90_000);

  it('answers 401 without the token, and the page then says which URL to open', async () => {
    const base = url.slice(0, url.indexOf('?'));
    const token = new URL(url).searchParams.get('token') ?? '';
    expect((await fetch(`${base}api/token`)).status).toBe(401);
    expect(
      (await fetch(`${base}api/components/zk-1/kill`, { method: 'POST', headers: { Authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(401);
    expect((await fetch(`${base}api/token`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    const { page, errors, screenshot } = await browser().open(base);
    await page
      .locator('#notice', { hasText: 'open the URL that `minicluster ui` prints' })
      .waitFor({ timeout: WAIT_MS });
    await screenshot('dashboard-no-token');
    expect(errors).toEqual([]);
    await page.close();
  });
});
