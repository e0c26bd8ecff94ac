// ACCEPT with LAUNCH: what runs, what ends as TASK_ERROR or TASK_DROPPED/TASK_LOST, and that no
// sequence of launches ever commits more of an agent than it has.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsResources, resourcesFromV1 } from '../../../src/master/core/resources.js';
import { agentUsed } from '../../../src/master/core/state.js';
import { agentMessages, Harness, offers, only, task, updates } from './harness.js';

function setup(o: { partitionAware?: boolean } = {}) {
  const h = new Harness();
  const agent = h.registerAgent('a1');
  const fw = h.subscribe('web', o);
  return { h, agent, fw, offer: only(offers(fw.out)) };
}

describe('launch', () => {
  it('sends RUN_TASK to the agent and records the task as TASK_STAGING', () => {
    const { h, agent, fw, offer } = setup();
    const t = task('web.1', agent.agentId, 'cpus:0.5;mem:128;ports:[31005-31005]');
    const out = h.launch(fw, offer, [t]);
    const run = only(agentMessages(out, 'RUN_TASK'));
    expect(run.task).toEqual(t);
    expect(run.framework.id).toEqual({ value: fw.frameworkId });
    expect(updates(out)).toEqual([]);
    const rec = h.master.view().state.frameworks.get(fw.frameworkId)?.tasks.get('web.1');
    expect(rec?.task).toMatchObject({
      state: 'TASK_STAGING',
      agent_id: { value: agent.agentId },
      framework_id: { value: fw.frameworkId },
    });
  });

  it('drops every task of an ACCEPT with an unknown offer (TASK_DROPPED, or TASK_LOST without PARTITION_AWARE)', () => {
    for (const [partitionAware, state] of [
      [true, 'TASK_DROPPED'],
      [false, 'TASK_LOST'],
    ] as const) {
      const { h, agent, fw, offer } = setup({ partitionAware });
      const out = h.launch(fw, { ...offer, id: { value: 'm1-O999' } }, [task('t1', agent.agentId, 'cpus:1')]);
      expect(agentMessages(out, 'RUN_TASK')).toEqual([]);
      expect(only(updates(out))).toMatchObject({
        task_id: { value: 't1' },
        state,
        source: 'SOURCE_MASTER',
        reason: 'REASON_INVALID_OFFERS',
        message: 'Task launched with invalid offers: Offer m1-O999 is no longer valid',
      });
      expect(only(updates(out)).uuid).toBeUndefined();
    }
  });

  it('treats an offer used twice as invalid', () => {
    const { h, agent, fw, offer } = setup();
    h.launch(fw, offer, [task('t1', agent.agentId, 'cpus:1')]);
    const out = h.launch(fw, offer, [task('t2', agent.agentId, 'cpus:1')]);
    expect(only(updates(out))).toMatchObject({ state: 'TASK_DROPPED', reason: 'REASON_INVALID_OFFERS' });
  });

  it('refuses offers of two agents in one ACCEPT', () => {
    const h = new Harness();
    const a1 = h.registerAgent('a1').agentId;
    h.registerAgent('a2');
    const fw = h.subscribe('web');
    const both = offers(fw.out);
    const out = h.call(fw, {
      type: 'ACCEPT',
      accept: {
        offer_ids: both.map((o) => o.id),
        operations: [{ type: 'LAUNCH', launch: { task_infos: [task('t1', a1, 'cpus:1')] } }],
      },
    });
    expect(only(updates(out)).message).toMatch(/one single agent/);
    expect(agentMessages(out, 'RUN_TASK')).toEqual([]);
  });

  it('ends a task asking beyond the offer as TASK_ERROR and launches the rest', () => {
    const { h, agent, fw, offer } = setup();
    const out = h.launch(fw, offer, [
      task('big', agent.agentId, 'cpus:8;mem:128'),
      task('ok', agent.agentId, 'cpus:3;mem:128'),
      task('over', agent.agentId, 'cpus:2;mem:128'),
      task('port', agent.agentId, 'cpus:0.1;ports:[80-80]'),
    ]);
    expect(agentMessages(out, 'RUN_TASK').map((m) => m.task.task_id.value)).toEqual(['ok']);
    const errors = updates(out);
    expect(errors.map((s) => [s.task_id.value, s.state, s.reason])).toEqual([
      ['big', 'TASK_ERROR', 'REASON_TASK_INVALID'],
      ['over', 'TASK_ERROR', 'REASON_TASK_INVALID'],
      ['port', 'TASK_ERROR', 'REASON_TASK_INVALID'],
    ]);
    expect(errors[0]?.message).toMatch(/^Task uses more resources cpus:8; mem:128 than available/);
  });

  it('ends duplicate task ids, wrong agents and tasks without command as TASK_ERROR', () => {
    const { h, agent, fw, offer } = setup();
    const noCommand = { ...task('bare', agent.agentId, 'cpus:0.1'), command: undefined };
    const out = h.launch(fw, offer, [
      task('t1', agent.agentId, 'cpus:1'),
      task('t1', agent.agentId, 'cpus:1'),
      task('elsewhere', 'm1-S99', 'cpus:1'),
      noCommand,
      { ...task('empty', agent.agentId, 'cpus:1'), resources: [] },
    ]);
    expect(agentMessages(out, 'RUN_TASK')).toHaveLength(1);
    expect(updates(out).map((s) => s.message)).toEqual([
      'Task has duplicate ID: t1',
      'Task uses invalid agent: m1-S99',
      'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present',
      'Task uses no resources',
    ]);
  });

  it('rejects a task id the framework already runs, across ACCEPTs', () => {
    const h = new Harness();
    h.registerAgent('a1');
    h.registerAgent('a2');
    const fw = h.subscribe('web');
    const [o1, o2] = offers(fw.out);
    h.launch(fw, o1!, [task('t1', o1!.agent_id.value, 'cpus:1')]);
    const out = h.launch(fw, o2!, [task('t1', o2!.agent_id.value, 'cpus:1')]);
    expect(only(updates(out))).toMatchObject({ state: 'TASK_ERROR', message: 'Task has duplicate ID: t1' });
    expect(agentMessages(out, 'RUN_TASK')).toEqual([]);
  });

  it('never commits more of an agent than it has, whatever is asked', () => {
    const ask = fc.record({
      cpus: fc.integer({ min: 0, max: 3000 }),
      mem: fc.integer({ min: 1, max: 3000 }),
      port: fc.integer({ min: 30990, max: 31110 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(ask, { maxLength: 4 }), { minLength: 1, maxLength: 8 }), (rounds) => {
        const h = new Harness();
        const agent = h.registerAgent('a1', 'cpus:4;mem:4096;ports:[31000-31099]');
        const fw = h.subscribe('web');
        let offer = only(offers(fw.out));
        let n = 0;
        for (const round of rounds) {
          const tasks = round.map((a) =>
            task(`t${n++}`, agent.agentId, `cpus:${a.cpus / 1000};mem:${a.mem};ports:[${a.port}-${a.port}]`),
          );
          h.launch(fw, offer, tasks, 0);
          const state = h.master.view().state;
          const total = state.agents.get(agent.agentId)!.total;
          expect(containsResources(total, agentUsed(state, agent.agentId))).toBe(true);
          const next = offers(h.advance(1000));
          if (next.length === 0) return;
          offer = only(next);
          expect(containsResources(total, resourcesFromV1(offer.resources))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
