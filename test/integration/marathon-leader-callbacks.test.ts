// Marathon's operators' endpoints against the reference: DELETE /v2/leader (Marathon's answer, then the
// scheduler abdicates; 404 `There is no leader` on a standby that knows none; a standby passes it on), and
// /v2/eventSubscriptions (register, list, remove; each event POSTed as JSON to every callback, in order; a
// callback that never answers holds up neither the others nor the API; the URLs kept in ZooKeeper).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarathonClient, MarathonHttpError, type SubscriptionEventJson } from '../../src/api/marathon.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import { ZkSubscriberStore } from '../../src/scheduler/io/event-callbacks.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';
import { MarathonHarness, startStandby } from '../helpers/marathon-harness.js';

let h: MarathonHarness;

beforeAll(async () => {
  h = await MarathonHarness.start();
  h.startClock();
});

afterAll(async () => {
  await h?.close();
});

/** An HTTP server that records the JSON POSTed to it; `answer` false leaves every request hanging. */
class CallbackServer {
  readonly received: { contentType: string | undefined; event: Record<string, unknown> }[] = [];
  private constructor(private readonly server: Server) {}

  static async start(o: { answer: boolean }): Promise<CallbackServer> {
    let callbacks: CallbackServer | undefined;
    const server = createServer((req, res) => {
      void body(req).then((text) => {
        callbacks?.received.push({ contentType: req.headers['content-type'], event: JSON.parse(text) });
        if (o.answer) res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    callbacks = new CallbackServer(server);
    return callbacks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
  }

  types(): string[] {
    return this.received.map((r) => String(r.event['eventType']));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

describe('DELETE /v2/leader', () => {
  it("answers Marathon's message, then the leading scheduler abdicates", async () => {
    const before = h.abdications;
    const res = await h.send('DELETE', '/v2/leader');
    expect([res.status, res.body]).toEqual([200, { message: 'Leadership abdicated' }]);
    await waitUntil('the abdication', () => h.abdications === before + 1);
  });

  it('refuses backup and restore, which need a store this scheduler does not have', async () => {
    const before = h.abdications;
    const res = await h.send('DELETE', '/v2/leader?backup=file:///tmp/backup');
    expect(res.status).toBe(400);
    expect(h.abdications).toBe(before);
  });

  it('is passed on to the leader by a standby; a standby that knows no leader answers 404', async () => {
    const before = h.abdications;
    const standby = await startStandby(h.url);
    const orphan = await startStandby(null);
    try {
      expect(await new MarathonClient(standby.url).abdicate()).toEqual({ message: 'Leadership abdicated' });
      await waitUntil('the abdication', () => h.abdications === before + 1);
      for (const method of ['GET', 'DELETE']) {
        const res = await fetch(`${orphan.url}/v2/leader`, { method });
        expect([res.status, await res.json()]).toEqual([404, { message: 'There is no leader' }]);
      }
    } finally {
      await standby.close();
      await orphan.close();
    }
  });
});

describe('/v2/eventSubscriptions', () => {
  it('registers, lists and removes callback URLs with the subscribe and unsubscribe events', async () => {
    const url = 'http://127.0.0.1:1/nobody-listens';
    expect(await h.client.callbackUrls()).toEqual([]);
    const subscribed = await h.client.subscribe(url);
    expect(subscribed).toEqual({
      clientIp: expect.stringMatching(/127\.0\.0\.1/),
      callbackUrl: url,
      eventType: 'subscribe_event',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    } satisfies Record<keyof SubscriptionEventJson, unknown>);
    expect(await h.client.subscribe(url)).toMatchObject({ eventType: 'subscribe_event' });
    expect(await h.client.callbackUrls()).toEqual([url]);
    expect(h.callbacks.store.urls).toEqual([url]);
    expect(await h.client.unsubscribe(url)).toMatchObject({ callbackUrl: url, eventType: 'unsubscribe_event' });
    expect(await h.client.callbackUrls()).toEqual([]);
    expect(h.callbacks.store.urls).toEqual([]);
    expect(await h.client.unsubscribe(url)).toMatchObject({ eventType: 'unsubscribe_event' });
  });

  it('POSTs every event as JSON to each callback, in order, next to a callback that never answers', async () => {
    const listening = await CallbackServer.start({ answer: true });
    const hanging = await CallbackServer.start({ answer: false });
    try {
      await h.client.subscribe(hanging.url);
      await h.client.subscribe(listening.url);
      const deployed = await h.client.createApp({ id: '/callbacks', cmd: 'sleep 1000', cpus: 0.1, mem: 16 });
      await waitUntil('the deployment to reach the listening callback', () =>
        listening.received.some(
          (r) => r.event['eventType'] === 'deployment_success' && r.event['id'] === deployed.deploymentId,
        ),
      );
      const types = listening.types();
      expect(types[0]).toBe('subscribe_event');
      expect(types.indexOf('api_post_event')).toBeLessThan(types.indexOf('deployment_info'));
      expect(types.indexOf('deployment_info')).toBeLessThan(types.lastIndexOf('deployment_success'));
      expect(types).toContain('status_update_event');
      expect(new Set(listening.received.map((r) => r.contentType))).toEqual(new Set(['application/json']));
      expect(hanging.types()).toEqual(['subscribe_event']);
      expect(await h.client.ping()).toBe('pong');
    } finally {
      await h.client.unsubscribe(hanging.url);
      await h.client.unsubscribe(listening.url);
      await hanging.close();
      await listening.close();
    }
  });

  it('refuses a missing or non-HTTP callbackUrl, and answers 503 when the URLs cannot be stored', async () => {
    expect((await h.send('POST', '/v2/eventSubscriptions')).status).toBe(400);
    const ftp = await h.send('POST', '/v2/eventSubscriptions?callbackUrl=ftp://127.0.0.1/x');
    expect([ftp.status, ftp.body]).toEqual([422, { message: 'callbackUrl must be an http or https URL' }]);
    h.callbacks.store.failing = true;
    try {
      const refused = h.client.subscribe('http://127.0.0.1:1/x');
      await expect(refused).rejects.toBeInstanceOf(MarathonHttpError);
      await expect(refused).rejects.toMatchObject({ status: 503 });
      expect(await h.client.callbackUrls()).toEqual([]);
    } finally {
      h.callbacks.store.failing = false;
    }
  });
});

describe('the callback URLs in ZooKeeper', () => {
  let ensemble: TestEnsemble;

  beforeAll(async () => {
    ensemble = await TestEnsemble.start({ participants: 1 });
  });

  afterAll(async () => {
    await ensemble?.stop();
  });

  it('are read back by the next leader, on its own session', async () => {
    const first = await ZkClient.connect(ensemble.connectString, { sessionTimeoutMs: 2_000 });
    const store = new ZkSubscriberStore(first, '/marathon/state');
    expect(await store.load()).toEqual([]);
    await store.save(['http://127.0.0.1:9000/a', 'http://127.0.0.1:9000/b']);
    await first.close();
    const next = await ZkClient.connect(ensemble.connectString, { sessionTimeoutMs: 2_000 });
    try {
      expect(await new ZkSubscriberStore(next, '/marathon/state').load()).toEqual([
        'http://127.0.0.1:9000/a',
        'http://127.0.0.1:9000/b',
      ]);
    } finally {
      await next.close();
    }
  });
});
