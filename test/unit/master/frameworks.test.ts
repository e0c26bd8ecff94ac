// Frameworks: SUBSCRIBED, stream checks on calls, re-subscription by framework id, failover_timeout
// (tasks killed and the framework refused afterwards), TEARDOWN and heartbeats.
import { describe, expect, it } from 'vitest';
import { MAX_COMPLETED_FRAMEWORKS } from '../../../src/common/limits.js';
import { agentMessages, answers, events, Harness, logs, MASTER_INFO, offers, only, task } from './harness.js';

function withTask(failoverTimeout: number) {
  const h = new Harness();
  const agent = h.registerAgent('a1');
  const fw = h.subscribe('web', { failoverTimeout });
  h.launch(fw, only(offers(fw.out)), [task('t1', agent.agentId, 'cpus:1')]);
  return { h, agent, fw };
}

describe('subscribe', () => {
  it('answers 200 and sends SUBSCRIBED with the framework id, heartbeat interval and master info', () => {
    const h = new Harness();
    const fw = h.subscribe('web');
    expect(answers(fw.out)).toEqual([{ status: 200 }]);
    expect(fw.frameworkId).toBe('m1-0000');
    expect(events(fw.out, 'SUBSCRIBED')).toEqual([
      {
        type: 'SUBSCRIBED',
        subscribed: { framework_id: { value: 'm1-0000' }, heartbeat_interval_seconds: 15, master_info: MASTER_INFO },
      },
    ]);
    expect(logs(fw.out)).toContain(
      'Subscribing framework web with checkpointing enabled and capabilities [ MULTI_ROLE, PARTITION_AWARE ]',
    );
    expect(h.subscribe('other').frameworkId).toBe('m1-0001');
  });

  it('rejects a SUBSCRIBE whose framework ids disagree', () => {
    const h = new Harness();
    const out = h.send({
      kind: 'schedulerCall',
      streamId: 's1',
      call: {
        type: 'SUBSCRIBE',
        framework_id: { value: 'a' },
        subscribe: { framework_info: { user: 'root', name: 'x', id: { value: 'b' } } },
      },
    });
    expect(only(answers(out)).status).toBe(400);
    expect(events(out)).toEqual([]);
  });

  it('checks the stream of every other call: unknown framework 400, wrong stream 400, not subscribed 403', () => {
    const h = new Harness();
    const fw = h.subscribe('web');
    const revive = { type: 'REVIVE' as const, framework_id: { value: fw.frameworkId } };
    expect(answers(h.send({ kind: 'schedulerCall', streamId: fw.streamId, call: revive }))).toEqual([{ status: 202 }]);
    expect(only(answers(h.send({ kind: 'schedulerCall', streamId: 'other', call: revive }))).status).toBe(400);
    expect(
      only(
        answers(
          h.send({ kind: 'schedulerCall', streamId: null, call: { ...revive, framework_id: { value: 'nope' } } }),
        ),
      ).status,
    ).toBe(400);
    h.send({ kind: 'streamClosed', streamId: fw.streamId });
    expect(only(answers(h.send({ kind: 'schedulerCall', streamId: fw.streamId, call: revive }))).status).toBe(403);
  });

  it('sends HEARTBEAT on every heartbeat interval', () => {
    const h = new Harness();
    const fw = h.subscribe('web');
    const beats = events(h.run(60_000), 'HEARTBEAT', fw.frameworkId);
    expect(beats).toHaveLength(4);
  });
});

describe('failover', () => {
  it('keeps the framework and its tasks when it re-subscribes within failover_timeout', () => {
    const { h, fw } = withTask(10);
    const closed = h.send({ kind: 'streamClosed', streamId: fw.streamId });
    expect(logs(closed)).toContain(`Giving framework ${fw.frameworkId} (web) 10secs to failover`);
    h.run(9_000);
    const again = h.subscribe('web', { id: fw.frameworkId, failoverTimeout: 10 });
    expect(again.frameworkId).toBe(fw.frameworkId);
    h.run(60_000);
    const framework = h.master.view().state.frameworks.get(fw.frameworkId);
    expect(framework?.tasks.get('t1')?.task.state).toBe('TASK_STAGING');
    expect(framework?.reregisteredAt).toBe(9_000);
  });

  it('removes a framework that does not re-subscribe in time and kills its tasks on their agents', () => {
    const { h, agent, fw } = withTask(10);
    h.send({ kind: 'streamClosed', streamId: fw.streamId });
    h.run(9_000);
    expect(h.master.view().state.frameworks.has(fw.frameworkId)).toBe(true);
    const out = h.advance(1_000);
    expect(logs(out)).toContain(`Framework failover timeout, removing framework ${fw.frameworkId} (web)`);
    expect(out).toContainEqual({
      kind: 'toAgent',
      agentId: agent.agentId,
      connection: agent.connection,
      message: { type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: fw.frameworkId } },
    });
    const state = h.master.view().state;
    expect(state.frameworks.has(fw.frameworkId)).toBe(false);
    const removed = only(state.completedFrameworks);
    expect(removed.completedTasks.map((r) => [r.task.task_id.value, r.task.state])).toEqual([['t1', 'TASK_KILLED']]);

    const late = h.send({
      kind: 'schedulerCall',
      streamId: 'late',
      call: {
        type: 'SUBSCRIBE',
        framework_id: { value: fw.frameworkId },
        subscribe: { framework_info: { user: 'root', name: 'web', id: { value: fw.frameworkId } } },
      },
    });
    expect(events(late)).toEqual([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
    expect(late).toContainEqual({ kind: 'closeStream', streamId: 'late' });
  });

  it('removes a framework with failover_timeout 0 as soon as its stream closes', () => {
    const { h, agent, fw } = withTask(0);
    const out = h.send({ kind: 'streamClosed', streamId: fw.streamId });
    expect(agentMessages(out, 'SHUTDOWN_FRAMEWORK')).toHaveLength(1);
    expect(h.master.view().state.frameworks.size).toBe(0);
    expect(out.find((o) => o.kind === 'toAgent')).toMatchObject({ agentId: agent.agentId });
  });

  it('tells the old stream it failed over when the framework subscribes again on a new one', () => {
    const { h, fw } = withTask(60);
    const again = h.subscribe('web', { id: fw.frameworkId });
    expect(again.out).toContainEqual({
      kind: 'toFramework',
      frameworkId: fw.frameworkId,
      streamId: fw.streamId,
      event: { type: 'ERROR', error: { message: 'Framework failed over' } },
    });
    expect(again.out).toContainEqual({ kind: 'closeStream', streamId: fw.streamId });
    expect(h.master.view().state.frameworks.get(fw.frameworkId)?.streamId).toBe(again.streamId);
  });

  it('forgets its offers on failover and makes new ones on the new stream', () => {
    const h = new Harness();
    h.registerAgent('a1');
    const fw = h.subscribe('web');
    const first = only(offers(fw.out));
    h.send({ kind: 'streamClosed', streamId: fw.streamId });
    expect(h.master.view().state.offers.size).toBe(0);
    const again = h.subscribe('web', { id: fw.frameworkId });
    const fresh = only(offers(again.out));
    expect(fresh.id).not.toEqual(first.id);
    expect(fresh.agent_id).toEqual(first.agent_id);
  });
});

describe('bounds', () => {
  it('remembers at most MAX_COMPLETED_FRAMEWORKS removed frameworks, forgetting the oldest', () => {
    const h = new Harness();
    const ids = Array.from({ length: MAX_COMPLETED_FRAMEWORKS + 2 }, (_, i) => {
      const fw = h.subscribe(`fw-${i}`);
      h.call(fw, { type: 'TEARDOWN' });
      return fw.frameworkId;
    });
    expect(h.master.view().state.completedFrameworks.map((fw) => fw.id)).toEqual(ids.slice(2));
  });
});
