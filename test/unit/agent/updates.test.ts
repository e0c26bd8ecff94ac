// Status updates of the agent core: uuids, one in flight per task, retries with a doubling interval until
// acknowledged, order per task, latest_state, and tasks leaving once all are acknowledged.
import { describe, expect, it } from 'vitest';
import { commandTask, Harness, ofKind, updates } from './harness.js';

function runningTask(h: Harness, id = 't1'): void {
  h.run(commandTask(id));
  const containerId = h.task(id).containerId;
  h.send({ kind: 'launched', containerId, handle: { type: 'mesos', pid: 100, startTime: 'x' } });
}

const ack = (h: Harness, taskId: string, uuid: string) =>
  h.fromMaster({ type: 'ACKNOWLEDGE', framework_id: { value: 'fw-1' }, task_id: { value: taskId }, uuid });

describe('agent status updates', () => {
  it('sends only the head of a task queue, with the newest state as latest_state', () => {
    const h = new Harness();
    h.register();
    const first = h.run(commandTask('t1'));
    expect(updates(first)).toEqual([{ state: 'TASK_STARTING', uuid: 'u1', latest: 'TASK_STARTING' }]);
    const second = h.send({
      kind: 'launched',
      containerId: h.task('t1').containerId,
      handle: { type: 'mesos', pid: 1, startTime: 's' },
    });
    expect(updates(second)).toEqual([]);
    expect(h.task('t1').pending.map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    const next = ack(h, 't1', 'u1');
    expect(updates(next)).toEqual([{ state: 'TASK_RUNNING', uuid: 'u2', latest: 'TASK_RUNNING' }]);
  });

  it('retries the head after 10, 20, 40, 40 ticks (doubling up to the maximum) until acknowledged', () => {
    const h = new Harness();
    h.register();
    h.run(commandTask('t1'));
    const sentAt: number[] = [];
    for (let tick = 1; tick <= 120; tick++) {
      if (tick % 5 === 0) h.fromMaster({ type: 'PING' });
      if (updates(h.ticks(1)).length > 0) sentAt.push(tick);
    }
    expect(sentAt).toEqual([10, 30, 70, 110]);
    ack(h, 't1', 'u1');
    expect(updates(h.ticks(60))).toEqual([]);
  });

  it('ignores an acknowledgement that does not match the head', () => {
    const h = new Harness();
    h.register();
    runningTask(h);
    const out = ack(h, 't1', 'u2');
    expect(updates(out)).toEqual([]);
    expect(ofKind(out, 'log')[0]?.level).toBe('warn');
    expect(h.task('t1').pending.map((s) => s.uuid)).toEqual(['u1', 'u2']);
  });

  it('queues updates while unregistered and sends the heads once registered', () => {
    const h = new Harness();
    h.register();
    runningTask(h);
    h.send({ kind: 'disconnected', connection: h.connection });
    const exit = h.send({ kind: 'exited', containerId: h.task('t1').containerId, status: { code: 0 } });
    expect(updates(exit)).toEqual([]);
    const out = h.register('a1');
    expect(updates(out)).toEqual([{ state: 'TASK_STARTING', uuid: 'u1', latest: 'TASK_FINISHED' }]);
  });

  it('moves a terminal task to the completed list once every update is acknowledged', () => {
    const h = new Harness();
    h.register();
    runningTask(h);
    h.send({ kind: 'exited', containerId: h.task('t1').containerId, status: { code: 0 } });
    ack(h, 't1', 'u1');
    ack(h, 't1', 'u2');
    const out = ack(h, 't1', 'u3');
    expect(ofKind(out, 'forgetTask')).toEqual([{ kind: 'forgetTask', frameworkId: 'fw-1', taskId: 't1' }]);
    expect(h.core.view().state.tasks.size).toBe(0);
    expect(h.core.view().state.completed.map((t) => t.state)).toEqual(['TASK_FINISHED']);
  });

  it('checkpoints the task before it sends the update', () => {
    const h = new Harness();
    h.register();
    const out = h.run(commandTask('t1'));
    const kinds = out.map((o) => o.kind).filter((k) => k !== 'log');
    expect(kinds).toEqual(['persistTask', 'send', 'launch']);
  });

  it('drops the update streams of a shut-down framework: its tasks are killed and leave without acknowledgements', () => {
    const h = new Harness();
    h.register();
    runningTask(h);
    const shutdown = h.fromMaster({ type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: 'fw-1' } });
    expect(ofKind(shutdown, 'kill').map((k) => k.task.info.task_id.value)).toEqual(['t1']);
    expect(h.task('t1').pending).toEqual([]);
    expect(updates(h.ticks(200))).toEqual([]);
    const exit = h.send({ kind: 'exited', containerId: h.task('t1').containerId, status: { signal: 'SIGTERM' } });
    expect(updates(exit)).toEqual([]);
    expect(() => h.task('t1')).toThrow('no task t1');
    expect(h.core.view().state.completed.map((t) => [t.info.task_id.value, t.state])).toEqual([['t1', 'TASK_KILLED']]);
  });
});
