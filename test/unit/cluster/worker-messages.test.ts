// What the supervisor accepts from master and agent worker threads.
import { describe, expect, it } from 'vitest';
import {
  parseAgentMessage,
  parseMasterElection,
  parseMasterMessage,
  parseSchedulerMessage,
} from '../../../src/cluster/worker-messages.js';

describe('worker messages', () => {
  it('reads master ready and state messages and refuses anything else', () => {
    expect(parseMasterMessage({ type: 'ready', url: 'http://127.0.0.1:5050' })).toEqual({
      type: 'ready',
      url: 'http://127.0.0.1:5050',
    });
    expect(parseMasterMessage({ type: 'state', role: 'leading', leader: null })).toEqual({
      type: 'state',
      role: 'leading',
      leader: null,
    });
    expect(parseMasterMessage({ type: 'state', role: 'boss', leader: null })).toBeNull();
    expect(parseMasterMessage({ type: 'ready' })).toBeNull();
    expect(parseMasterMessage(null)).toBeNull();
  });

  it("reads a master's steps of the contest for leading master and refuses others", () => {
    const step = { step: 'candidate', znode: 'json.info_0000000003', sessionId: '0x1' };
    expect(parseMasterElection({ type: 'election', at: 9, step })).toEqual({ type: 'election', at: 9, step });
    expect(parseMasterElection({ type: 'election', at: 9, step: { step: 'looking' } })).toBeNull();
    expect(parseMasterElection({ type: 'election', step })).toBeNull();
    expect(parseMasterElection({ type: 'state', role: 'leading', leader: null })).toBeNull();
  });

  it('reads agent ready and state messages and refuses anything else', () => {
    expect(parseAgentMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    const state = { type: 'state', registered: true, agentId: 'a-S0', master: 'master@127.0.0.1:5050', tasks: 3 };
    expect(parseAgentMessage(state)).toEqual(state);
    expect(parseAgentMessage({ ...state, registered: 'yes' })).toBeNull();
    expect(parseAgentMessage({ ...state, tasks: -1 })).toBeNull();
    expect(parseAgentMessage({ ...state, tasks: undefined })).toBeNull();
    expect(parseAgentMessage({ ...state, agentId: 7 })).toBeNull();
    expect(parseAgentMessage('ready')).toBeNull();
  });

  it("reads a scheduler's state, deployment and task messages and refuses malformed ones", () => {
    const unservedPorts = [{ servicePort: 10000, appId: '/web', reason: 'listen EADDRINUSE' }];
    const state = {
      type: 'state',
      role: 'leading',
      leader: null,
      subscribed: true,
      frameworkId: 'fw-1',
      unservedPorts,
    };
    expect(parseSchedulerMessage(state)).toEqual(state);
    expect(parseSchedulerMessage({ ...state, unservedPorts: undefined })).toBeNull();
    expect(parseSchedulerMessage({ ...state, unservedPorts: [{ servicePort: '10000', appId: '/web' }] })).toBeNull();
    const deployment = {
      type: 'deployment',
      phase: 'started',
      id: 'd-1',
      steps: ['StartApplication /web'],
      apps: ['/web'],
      reason: '',
    };
    expect(parseSchedulerMessage(deployment)).toEqual(deployment);
    expect(parseSchedulerMessage({ ...deployment, phase: 'paused' })).toBeNull();
    expect(parseSchedulerMessage({ ...deployment, steps: [1] })).toBeNull();
    const task = {
      type: 'task',
      taskId: 'web.1',
      appId: '/web',
      state: 'TASK_RUNNING',
      host: '127.0.0.1',
      ports: [31000],
      message: '',
    };
    expect(parseSchedulerMessage(task)).toEqual(task);
    expect(parseSchedulerMessage({ ...task, ports: ['31000'] })).toBeNull();
    expect(parseSchedulerMessage({ ...task, state: undefined })).toBeNull();
  });
});
