// A task's environment: Mesos's variables, its ports, and the task's own variables whatever their
// names, __proto__ included.
import { describe, expect, it } from 'vitest';
import type { AgentTask } from '../../../src/agent/core/protocol.js';
import { taskEnvironment } from '../../../src/agent/containerizers/containerizer.js';
import { commandTask, FRAMEWORK } from './harness.js';

function task(variables: { name: string; value: string }[]): AgentTask {
  const info = commandTask('t1');
  return {
    framework: FRAMEWORK,
    info: { ...info, command: { ...info.command, environment: { variables } } },
    containerizer: 'mesos',
    containerId: 'c1',
    sandbox: '/var/lib/mesos/slaves/S1/sandbox',
    state: 'TASK_STAGING',
    statuses: [],
    pending: [],
    handle: null,
    kill: null,
  };
}

describe('taskEnvironment', () => {
  it("keeps the task's variables, one named __proto__ too", () => {
    const env = taskEnvironment(
      task([
        { name: '__proto__', value: 'x' },
        { name: 'TEAM', value: 'a' },
      ]),
      {
        agentId: 'S1',
        sandbox: '/mnt/mesos/sandbox',
        host: '127.0.0.1',
      },
    );
    expect(Object.entries(env)).toEqual(
      expect.arrayContaining([
        ['__proto__', 'x'],
        ['TEAM', 'a'],
        ['MESOS_TASK_ID', 't1'],
      ]),
    );
    expect({ ...env }).toHaveProperty(['__proto__'], 'x');
  });
});
