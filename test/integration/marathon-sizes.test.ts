// Requests too big to store are refused with a 4xx before anything is written: an app definition larger
// than one znode holds (422, saying why), a body beyond the API's limit (413); smaller ones are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MARATHON_BODY_BYTES, MAX_STORED_APP_BYTES } from '../../src/common/limits.js';
import { MarathonHarness } from '../helpers/marathon-harness.js';

let h: MarathonHarness;

beforeAll(async () => {
  h = await MarathonHarness.start();
});

afterAll(async () => {
  await h?.close();
});

/** An app whose JSON is about `bytes` long, most of it in env values of 10,000 characters. */
function appOfSize(id: string, bytes: number): Record<string, unknown> {
  const VALUE = 10_000;
  const env = Object.fromEntries(
    Array.from({ length: Math.ceil(bytes / VALUE) }, (_, i) => [`PART_${i}`, 'x'.repeat(VALUE)]),
  );
  return { id, cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 0, env };
}

describe('request sizes', () => {
  it.each([1.2, 3.5])('refuses a %s MB app with 422 and stores nothing of it', async (mb) => {
    const id = `/big-${String(mb).replace('.', '-')}`;
    const res = await h.send('POST', '/v2/apps', appOfSize(id, mb * 1_000_000));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      message: 'Object is not valid',
      details: [{ path: '/', errors: [expect.stringContaining(`at most ${MAX_STORED_APP_BYTES} can be stored`)] }],
    });
    expect((await h.send('GET', `/v2/apps${id}`)).status).toBe(404);
    expect(await h.client.deployments()).toEqual([]);
  });

  it('refuses a body beyond the API limit with 413', async () => {
    const res = await h.send('POST', '/v2/apps', appOfSize('/huge', MAX_MARATHON_BODY_BYTES + 1));
    expect(res.status).toBe(413);
  });

  it('keeps an app just under the stored limit, and reads, updates and deletes it', async () => {
    const res = await h.send('POST', '/v2/apps', appOfSize('/large', MAX_STORED_APP_BYTES - 20_000));
    expect(res.status).toBe(201);
    expect((await h.send('GET', '/v2/apps/large')).status).toBe(200);
    expect((await h.send('PATCH', '/v2/apps/large', { instances: 0, cmd: 'sleep 2000' })).status).toBe(200);
    expect((await h.send('DELETE', '/v2/apps/large')).status).toBe(200);
  });
});
