// Worker-thread entry of one agent for WorkerHost: workerData is an AgentWorkerConfig; posts `ready`
// once serving and `state` on every change; `{type:'stop'}` stops it (tasks keep running by default).
import { parentPort, workerData } from 'node:worker_threads';
import { Agent, type AgentStatus } from './agent.js';
import type { AgentWorkerConfig } from './config.js';

export type AgentWorkerMessage = { type: 'ready' } | ({ type: 'state' } & AgentStatus);
export interface AgentStopMessage {
  type: 'stop';
  /** Kill every task first (`minicluster down`); otherwise tasks outlive the agent. */
  shutdownTasks?: boolean;
}

function post(message: AgentWorkerMessage): void {
  parentPort?.postMessage(message);
}

function isStop(message: unknown): message is AgentStopMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stop';
}

const agent = await Agent.start(workerData as AgentWorkerConfig, {
  onStatus: (status) => post({ type: 'state', ...status }),
});
post({ type: 'ready' });
post({ type: 'state', ...agent.status });
parentPort?.on('message', (message: unknown) => {
  if (!isStop(message)) return;
  void agent.stop({ shutdownTasks: message.shutdownTasks === true }).finally(() => process.exit(0));
});
