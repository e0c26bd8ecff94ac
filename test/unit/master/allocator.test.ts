// The allocator: one offer per agent with all its free resources (least loaded agent first), DRF order between
// frameworks, decline filters (refuse_seconds, expiry, containment), REVIVE, SUPPRESS and rescinds.
import { describe, expect, it } from 'vitest';
import { dominantShare, refuseMs } from '../../../src/master/core/allocator.js';
import { parseResourceText, resourcesFromV1 } from '../../../src/master/core/resources.js';
import type { Offer } from '../../../src/master/core/v1.js';
import { events, Harness, offers, only, task } from './harness.js';

const r = (text: string) => resourcesFromV1(parseResourceText(text));

function scalar(offer: Offer, name: string): number {
  return offer.resources.filter((x) => x.name === name).reduce((n, x) => n + (x.scalar?.value ?? 0), 0);
}

describe('offers', () => {
  it('makes one offer per agent holding all its free resources', () => {
    const h = new Harness();
    const a1 = h.registerAgent('a1').agentId;
    const a2 = h.registerAgent('a2', 'cpus:2;mem:1024').agentId;
    const fw = h.subscribe('web');
    const made = offers(fw.out, fw.frameworkId);
    expect(made.map((o) => o.agent_id.value).sort()).toEqual([a1, a2].sort());
    const first = made.find((o) => o.agent_id.value === a1);
    expect(first).toMatchObject({
      hostname: 'a1',
      allocation_info: { role: '*' },
      framework_id: { value: fw.frameworkId },
    });
    expect(first?.resources).toContainEqual({
      name: 'ports',
      type: 'RANGES',
      ranges: { range: [{ begin: 31000, end: 31099 }] },
      role: '*',
      allocation_info: { role: '*' },
    });
    expect(first?.url?.path).toBe('/slave(1)');
    expect(offers(h.advance(5000))).toEqual([]);
  });

  it('offers what is left after a launch, once the decline filter on it expires', () => {
    const h = new Harness();
    const agentId = h.registerAgent('a1').agentId;
    const fw = h.subscribe('web');
    const offer = only(offers(fw.out));
    expect(offers(h.launch(fw, offer, [task('t1', agentId, 'cpus:1;mem:1024;ports:[31000-31000]')]))).toEqual([]);
    expect(offers(h.advance(4000))).toEqual([]);
    const again = only(offers(h.advance(1000)));
    expect(scalar(again, 'cpus')).toBe(3);
    expect(scalar(again, 'mem')).toBe(3072);
    expect(again.resources.find((x) => x.name === 'ports')?.ranges?.range).toEqual([{ begin: 31001, end: 31099 }]);
  });

  it('lists the least loaded agent first, so a framework taking the first offer that fits spreads its tasks', () => {
    const h = new Harness();
    const a1 = h.registerAgent('a1').agentId;
    const a2 = h.registerAgent('a2').agentId;
    const fw = h.subscribe('web');
    const [first, second] = offers(fw.out);
    expect([first?.agent_id.value, second?.agent_id.value]).toEqual([a1, a2]);
    h.launch(fw, first as Offer, [task('t1', a1, 'cpus:1;mem:128')], 1);
    h.call(fw, { type: 'DECLINE', decline: { offer_ids: [(second as Offer).id], filters: { refuse_seconds: 1 } } });
    expect(offers(h.advance(1000)).map((o) => o.agent_id.value)).toEqual([a2, a1]);
  });

  it('does not offer an agent with less than the minimum allocatable resources', () => {
    const h = new Harness();
    h.registerAgent('tiny', 'cpus:0.001;mem:16;disk:100');
    expect(offers(h.subscribe('web').out)).toEqual([]);
  });
});

describe('DRF', () => {
  it('computes the dominant share over cpus, mem and disk', () => {
    expect(dominantShare(r('cpus:2;mem:16384'), r('cpus:10;mem:40960'))).toBe(0.4);
    expect(dominantShare(r('cpus:3;mem:4096'), r('cpus:10;mem:40960'))).toBe(0.3);
    expect(dominantShare(r('cpus:1'), r('mem:10'))).toBe(0);
  });

  it('offers the next free agent to the framework with the smaller dominant share', () => {
    // The reference's worked example: cluster <10 cpus, 40 GB>, A holds <2, 16 GB>, B holds <3, 4 GB>.
    const h = new Harness();
    const a1 = h.registerAgent('a1', 'cpus:2;mem:16384').agentId;
    const a2 = h.registerAgent('a2', 'cpus:3;mem:4096').agentId;
    const a3 = h.registerAgent('a3', 'cpus:5;mem:20480').agentId;
    const A = h.subscribe('A');
    const offersA = offers(A.out);
    const offerOf = (agentId: string) => offersA.find((o) => o.agent_id.value === agentId) as Offer;
    h.launch(A, offerOf(a1), [task('a-1', a1, 'cpus:2;mem:16384')]);
    const B = h.subscribe('B');
    expect(offers(B.out)).toEqual([]);

    // A gives a2 back: A holds a1 plus the a3 offer (share 0.9), B holds nothing: a2 goes to B.
    const toB = only(
      offers(
        h.call(A, { type: 'DECLINE', decline: { offer_ids: [offerOf(a2).id], filters: { refuse_seconds: 0 } } }),
        B.frameworkId,
      ),
    );
    expect(toB.agent_id.value).toBe(a2);
    h.launch(B, toB, [task('b-1', a2, 'cpus:3;mem:4096')]);

    // A (0.4, mem) against B (0.3, cpus): a3 goes to B.
    const out = h.call(A, {
      type: 'DECLINE',
      decline: { offer_ids: [offerOf(a3).id], filters: { refuse_seconds: 0 } },
    });
    const a3ToB = only(offers(out));
    expect(a3ToB).toMatchObject({ framework_id: { value: B.frameworkId }, agent_id: { value: a3 } });

    // B launches <2 cpus, 2 GB> there and reaches 0.5: the rest of a3 goes to A (0.4).
    const rest = only(offers(h.launch(B, a3ToB, [task('b-2', a3, 'cpus:2;mem:2048')], 0)));
    expect(rest).toMatchObject({ framework_id: { value: A.frameworkId }, agent_id: { value: a3 } });
    expect(scalar(rest, 'cpus')).toBe(3);
    expect(scalar(rest, 'mem')).toBe(18432);
  });
});

describe('decline filters', () => {
  it('keeps a declined agent from the framework for refuse_seconds, then offers it again', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const fw = h.subscribe('web');
    const offer = only(offers(fw.out));
    expect(
      offers(h.call(fw, { type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 10 } } })),
    ).toEqual([]);
    expect(offers(h.advance(9_999))).toEqual([]);
    expect(offers(h.advance(1))).toHaveLength(1);
  });

  it('defaults refuse_seconds to 5, clamps bad values, and installs nothing for 0', () => {
    expect(refuseMs(undefined)).toBe(5000);
    expect(refuseMs({ refuse_seconds: -3 })).toBe(5000);
    expect(refuseMs({ refuse_seconds: Number.NaN })).toBe(5000);
    expect(refuseMs({ refuse_seconds: 10 * 365 * 24 * 3600 })).toBe(365 * 24 * 3600 * 1000);
    const h = new Harness();
    h.registerAgent('a1');
    const fw = h.subscribe('web');
    const declined = h.call(fw, { type: 'DECLINE', decline: { offer_ids: [only(offers(fw.out)).id] } });
    expect(offers(declined)).toEqual([]);
    expect(offers(h.advance(4_999))).toEqual([]);
    const offer = only(offers(h.advance(1)));
    expect(
      offers(h.call(fw, { type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 0 } } })),
    ).toHaveLength(1);
  });

  it('does not apply to another framework', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const A = h.subscribe('A');
    const B = h.subscribe('B');
    const offer = only(offers(A.out));
    const out = h.call(A, { type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 60 } } });
    expect(only(offers(out)).framework_id.value).toBe(B.frameworkId);
  });

  it('filters only offers the refused resources contain: more free resources are offered again', () => {
    const h = new Harness();
    const { agentId, connection } = h.registerAgent('a1');
    const fw = h.subscribe('web');
    const rest = only(offers(h.launch(fw, only(offers(fw.out)), [task('t1', agentId, 'cpus:2;mem:1024')], 0)));
    h.call(fw, { type: 'DECLINE', decline: { offer_ids: [rest.id], filters: { refuse_seconds: 3600 } } });
    expect(offers(h.advance(1000))).toEqual([]);
    const out = h.statusUpdate(connection, fw.frameworkId, {
      task_id: { value: 't1' },
      state: 'TASK_FINISHED',
      uuid: 'u1',
    });
    expect(scalar(only(offers(out)), 'cpus')).toBe(4);
  });

  it('is cleared by REVIVE', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const fw = h.subscribe('web');
    h.call(fw, {
      type: 'DECLINE',
      decline: { offer_ids: [only(offers(fw.out)).id], filters: { refuse_seconds: 3600 } },
    });
    expect(offers(h.advance(10_000))).toEqual([]);
    expect(offers(h.call(fw, { type: 'REVIVE', revive: { roles: [] } }))).toHaveLength(1);
  });
});

describe('suppress and revive', () => {
  it('stops offers while suppressed and resumes them on REVIVE', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const fw = h.subscribe('web');
    h.call(fw, { type: 'SUPPRESS', suppress: {} });
    expect(
      offers(
        h.call(fw, {
          type: 'DECLINE',
          decline: { offer_ids: [only(offers(fw.out)).id], filters: { refuse_seconds: 0 } },
        }),
      ),
    ).toEqual([]);
    expect(offers(h.advance(60_000))).toEqual([]);
    expect(offers(h.call(fw, { type: 'REVIVE' }))).toHaveLength(1);
  });

  it('honours suppressed_roles given at SUBSCRIBE', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const out = h.send({
      kind: 'schedulerCall',
      streamId: 's1',
      call: {
        type: 'SUBSCRIBE',
        subscribe: { framework_info: { user: 'root', name: 'quiet', roles: ['*'] }, suppressed_roles: ['*'] },
      },
    });
    expect(events(out, 'SUBSCRIBED')).toHaveLength(1);
    expect(offers(out)).toEqual([]);
  });
});

describe('rescinds', () => {
  it('rescinds the offers of an agent that disconnects', () => {
    const h = new Harness();
    const { connection } = h.registerAgent('a1');
    const fw = h.subscribe('web');
    const offer = only(offers(fw.out));
    const out = h.send({ kind: 'agentDisconnected', connection });
    expect(events(out, 'RESCIND')).toEqual([{ type: 'RESCIND', rescind: { offer_id: offer.id } }]);
    expect(offers(h.advance(10_000))).toEqual([]);
  });

  it('gives the agent to another framework after TEARDOWN', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const A = h.subscribe('A');
    const B = h.subscribe('B');
    expect(offers(B.out)).toEqual([]);
    const out = h.call(A, { type: 'TEARDOWN' });
    expect(out).toContainEqual({ kind: 'closeStream', streamId: A.streamId });
    expect(only(offers(out)).framework_id.value).toBe(B.frameworkId);
  });
});
