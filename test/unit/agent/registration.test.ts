// The agent's registration state machine: detect → connect → REGISTER/REREGISTER → registered → pings;
// retries with backoff, a new leading master, a broken link and missing pings.
import { describe, expect, it } from 'vitest';
import { commandTask, Harness, MASTER, messages, ofKind, OTHER_MASTER } from './harness.js';

describe('agent registration', () => {
  it('connects to a detected leader and registers; the id is checkpointed', () => {
    const h = new Harness();
    const detect = h.send({ kind: 'leaderDetected', master: MASTER });
    expect(ofKind(detect, 'connect')).toEqual([{ kind: 'connect', connection: 'link-1', master: MASTER }]);
    const open = h.send({ kind: 'connected', connection: 'link-1' });
    expect(messages(open).map((m) => m.type)).toEqual(['REGISTER']);
    const reply = h.fromMaster({ type: 'REGISTERED', agent_id: { value: 'a1' }, master_info: MASTER });
    expect(ofKind(reply, 'persistAgentId')).toEqual([{ kind: 'persistAgentId', agentId: 'a1' }]);
    expect(h.core.view().state.link.phase).toBe('registered');
  });

  it('retries the registration with a doubling backoff until answered', () => {
    const h = new Harness();
    h.send({ kind: 'leaderDetected', master: MASTER });
    h.send({ kind: 'connected', connection: 'link-1' });
    const at: number[] = [];
    for (let tick = 1; tick <= 30; tick++) if (messages(h.ticks(1)).length > 0) at.push(tick);
    expect(at).toEqual([2, 6, 14, 22, 30]);
  });

  it('re-registers with its tasks and frameworks when the leading master changes', () => {
    const h = new Harness();
    h.register();
    h.run(commandTask('t1'));
    const change = h.send({ kind: 'leaderDetected', master: OTHER_MASTER });
    expect(ofKind(change, 'disconnect')).toEqual([{ kind: 'disconnect', connection: 'link-1' }]);
    expect(ofKind(change, 'connect').map((c) => c.master.id)).toEqual(['m2']);
    const open = h.send({ kind: 'connected', connection: 'link-2' });
    const [rereg] = messages(open);
    if (rereg?.type !== 'REREGISTER') throw new Error(`expected REREGISTER, got ${rereg?.type}`);
    expect(rereg.agent.id).toEqual({ value: 'a1' });
    expect(rereg.tasks.map((t) => [t.task_id.value, t.state, t.status_update_state])).toEqual([
      ['t1', 'TASK_STARTING', 'TASK_STARTING'],
    ]);
    expect(rereg.frameworks.map((f) => f.id?.value)).toEqual(['fw-1']);
  });

  it('ignores messages on a link it has left', () => {
    const h = new Harness();
    h.register();
    h.send({ kind: 'leaderDetected', master: OTHER_MASTER });
    const stale = h.send({
      kind: 'message',
      connection: 'link-1',
      message: {
        type: 'RUN_TASK',
        framework: { user: 'u', name: 'n', id: { value: 'fw-1' } },
        task: commandTask('t1'),
      },
    });
    expect(stale).toEqual([]);
  });

  it('detects the leader again after a backoff when the link breaks, and reconnects to the same master', () => {
    const h = new Harness();
    h.register();
    h.send({ kind: 'disconnected', connection: 'link-1' });
    expect(h.core.view().state.link.phase).toBe('detecting');
    const out = h.ticks(2);
    expect(ofKind(out, 'detect')).toHaveLength(1);
    const again = h.send({ kind: 'leaderDetected', master: MASTER });
    expect(ofKind(again, 'connect').map((c) => c.connection)).toEqual(['link-2']);
  });

  it('answers pings and gives up on a master that stops pinging', () => {
    const h = new Harness();
    h.register();
    expect(messages(h.fromMaster({ type: 'PING' })).map((m) => m.type)).toEqual(['PONG']);
    const out = h.ticks(21);
    expect(ofKind(out, 'disconnect')).toEqual([{ kind: 'disconnect', connection: 'link-1' }]);
    expect(ofKind(out, 'log').some((l) => l.message.startsWith('No pings from master'))).toBe(true);
    expect(h.core.view().state.link.phase).toBe('detecting');
  });

  it('drops the link when no master leads and ignores tasks until registered', () => {
    const h = new Harness();
    h.register();
    const none = h.send({ kind: 'leaderDetected', master: null });
    expect(ofKind(none, 'disconnect')).toHaveLength(1);
    h.send({ kind: 'leaderDetected', master: MASTER });
    const early = h.send({
      kind: 'message',
      connection: 'link-2',
      message: {
        type: 'RUN_TASK',
        framework: { user: 'u', name: 'n', id: { value: 'fw-1' } },
        task: commandTask('t1'),
      },
    });
    expect(ofKind(early, 'launch')).toEqual([]);
  });
});
