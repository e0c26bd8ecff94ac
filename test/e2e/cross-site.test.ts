// A page the user happens to visit, served from another local origin, tries to create an app through the
// Marathon API in Chromium, with requests any page may send without asking: fetch() in no-cors mode (as
// text/plain, as a form, as an untyped blob) and a form submission. The guard refuses each; no app is created.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer } from '../../src/cluster/control.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { describeWithBrowser } from '../helpers/browser.js';
import { MarathonHarness } from '../helpers/marathon-harness.js';

const APP = { id: '/cross-site', cmd: 'sleep 1000', cpus: 0.05, mem: 16 };
const ATTEMPTS = 4;
const WAIT = { timeout: 10_000 };

/** The visited page: three no-cors fetches, then a text/plain form whose one field spells the app's JSON. */
function attackerPage(marathon: string): string {
  const json = JSON.stringify(APP);
  const name = `${json.slice(0, -1)},"pad":"`;
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form method="POST" action="${marathon}/v2/apps" enctype="text/plain" target="sink">
  <input type="hidden" name='${name}' value='"}'>
</form>
<script>
  const url = ${JSON.stringify(`${marathon}/v2/apps`)};
  const body = ${JSON.stringify(json)};
  window.attacked = (async () => {
    await fetch(url, { mode: 'no-cors', method: 'POST', body });
    await fetch(url, { mode: 'no-cors', method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    await fetch(url, { mode: 'no-cors', method: 'POST', body: new Blob([body]) });
    document.forms[0].submit();
  })();
</script>
</body></html>`;
}

async function serve(page: string): Promise<Server> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return server;
}

describeWithBrowser('a page on another origin', (browser) => {
  let harness: MarathonHarness;
  let attacker: Server;

  beforeAll(async () => {
    harness = await MarathonHarness.start();
    attacker = await serve(attackerPage(harness.url));
  });

  afterAll(async () => {
    await closeServer(attacker);
    await harness.close();
  });

  it('cannot create an app through the Marathon API with no-cors fetches or a form', async () => {
    const answers: Response[] = [];
    const url = `http://${LOOPBACK}:${(attacker.address() as AddressInfo).port}/`;
    const visited = await browser().open('about:blank');
    try {
      visited.page.on('response', (response) => {
        if (response.url() === `${harness.url}/v2/apps`) answers.push(response);
      });
      await visited.page.goto(url);
      await visited.page.evaluate(() => (globalThis as unknown as { attacked: Promise<void> }).attacked);
      await expect.poll(() => answers.length, WAIT).toBe(ATTEMPTS);
      expect(answers.map((a) => [a.request().method(), a.status()])).toEqual(Array(ATTEMPTS).fill(['POST', 403]));
      const refusal = await answers[ATTEMPTS - 1]?.json();
      expect(refusal).toEqual({ message: `Origin '${new URL(url).origin}' is not a page of this cluster` });
    } finally {
      await visited.page.close();
    }
    expect((await harness.send('GET', '/v2/apps')).body).toEqual({ apps: [] });
  });
});
