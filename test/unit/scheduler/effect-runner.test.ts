// The frameworks' effect runner: persist before the calls of every batch, batches that queued during a
// write committed together (each one whole), calls in order (detached ones holding nothing up), and a failed
// write failing the batches it did not store and every later one.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Effect, StoreWrite } from '../../../src/scheduler/core/messages.js';
import { EffectRunner } from '../../../src/framework/effects.js';
import type { MarathonEvent } from '../../../src/scheduler/core/model.js';

const write = (id: string): Effect => ({ type: 'persist', writes: [{ kind: 'delete-instance', instanceId: id }] });
const kill = (id: string): Effect => ({ type: 'call', call: { type: 'KILL', kill: { task_id: { value: id } } } });

/** A failed persist: `committed` batches of the call were stored before it failed. */
class PartlyStored extends Error {
  constructor(readonly committed: number) {
    super('ConnectionLoss');
  }
}

/** `failAt`: the persist call (1-based) that fails, having stored `storedBeforeFailure` of its batches. */
function recorder(o: { failAt?: number; storedBeforeFailure?: number } = {}) {
  const log: string[] = [];
  const writes: StoreWrite[][][] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const runner = new EffectRunner<StoreWrite, MarathonEvent>({
    persist: async (batches) => {
      writes.push(batches);
      const names = batches.map((b) => b.map((x) => (x.kind === 'delete-instance' ? x.instanceId : x.kind)).join('+'));
      log.push(`persist ${names.join(',')}`);
      await gate;
      if (writes.length === o.failAt) throw new PartlyStored(o.storedBeforeFailure ?? 0);
    },
    call: async (c) => {
      log.push(`call ${c.type === 'KILL' ? c.kill.task_id.value : c.type}`);
    },
    publish: () => undefined,
    log: pino({ level: 'silent' }),
    onStoreFailure: () => log.push('store failed'),
  });
  return {
    runner,
    log,
    writes,
    hold: () => {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

describe('EffectRunner', () => {
  it('persists a batch before sending its calls', async () => {
    const r = recorder();
    expect(await r.runner.run([kill('a'), write('a')])).toBe(true);
    expect(r.log).toEqual(['persist a', 'call a']);
  });

  it('commits the batches that queued during a write in one write, and sends their calls in order', async () => {
    const r = recorder();
    r.hold();
    const first = r.runner.run([write('1'), kill('1')]);
    const second = r.runner.run([write('2'), kill('2')]);
    const third = r.runner.run([write('3'), kill('3')]);
    r.release();
    r.hold();
    setTimeout(() => r.release(), 10);
    expect(await Promise.all([first, second, third])).toEqual([true, true, true]);
    expect(r.log.filter((l) => l.startsWith('persist'))).toEqual(['persist 1', 'persist 2,3']);
    expect(r.log.filter((l) => l.startsWith('call'))).toEqual(['call 1', 'call 2', 'call 3']);
    expect(r.log.indexOf('persist 1')).toBeLessThan(r.log.indexOf('call 1'));
    expect(r.log.indexOf('persist 2,3')).toBeLessThan(r.log.indexOf('call 2'));
  });

  it('lets a later group go out while a detached call of an earlier one is still unanswered', async () => {
    const sent: string[] = [];
    const runner = new EffectRunner<StoreWrite, MarathonEvent>({
      persist: async () => undefined,
      call: (c) => {
        sent.push(c.type);
        return c.type === 'ACKNOWLEDGE' ? new Promise(() => undefined) : Promise.resolve();
      },
      publish: () => undefined,
      log: pino({ level: 'silent' }),
      onStoreFailure: () => undefined,
      detached: (c) => c.type === 'ACKNOWLEDGE',
    });
    const ack: Effect = {
      type: 'call',
      call: { type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: 'u' } },
    };
    expect(await runner.run([write('1'), ack])).toBe(true);
    expect(await runner.run([write('2'), kill('2')])).toBe(true);
    expect(sent).toEqual(['ACKNOWLEDGE', 'KILL']);
  });

  it('fails the batch whose write failed and every later one, and says so once', async () => {
    const r = recorder({ failAt: 1 });
    expect(await r.runner.run([write('x'), kill('x')])).toBe(false);
    expect(await r.runner.run([write('y'), kill('y')])).toBe(false);
    expect(r.log).toEqual(['persist x', 'store failed']);
  });

  it('keeps the batches a failed write stored before it failed: their calls go out, the rest fail', async () => {
    const r = recorder({ failAt: 2, storedBeforeFailure: 1 });
    r.hold();
    const first = r.runner.run([write('0'), kill('0')]);
    const second = r.runner.run([write('1'), kill('1')]);
    const third = r.runner.run([write('2'), kill('2')]);
    r.release();
    expect(await Promise.all([first, second, third])).toEqual([true, true, false]);
    expect(r.writes.map((group) => group.length)).toEqual([1, 2]);
    expect(r.log.filter((l) => l.startsWith('call'))).toEqual(['call 0', 'call 1']);
  });
});
