// The cluster timeline: what happened to which component and when, as data, and how each event
// reads as one line of text.
import type { ServerState } from '../member-config.js';

export type ZkRole = 'leader' | 'follower' | 'observer' | 'looking';
/** How a leading master stopped leading. */
export type LeaderLoss = 'killed' | 'exited' | 'deposed';

export type TimelineEventBody =
  | { type: 'cluster-starting'; cluster: string; profile: string }
  | { type: 'cluster-ready'; cluster: string; afterMs: number }
  | { type: 'cluster-failed'; cluster: string; reason: string }
  | { type: 'cluster-stopping'; cluster: string }
  | { type: 'cluster-stopped'; cluster: string }
  | { type: 'member-started'; member: string; pid: number }
  | { type: 'member-state'; member: string; state: ServerState; zxid: string }
  | { type: 'leader-elected'; member: string; leaderlessMs: number }
  | { type: 'leader-lost'; member: string }
  | { type: 'member-killed'; member: string; pid: number; role: ZkRole | null }
  | { type: 'member-exited'; member: string; code: number | null; signal: string | null }
  | { type: 'member-failed'; member: string; reason: string }
  | { type: 'master-started'; master: string; url: string }
  | { type: 'agent-started'; agent: string; url: string }
  | { type: 'master-killed'; master: string; leading: boolean }
  | { type: 'agent-killed'; agent: string }
  | { type: 'component-exited'; component: string; code: number | null }
  | { type: 'master-elected'; master: string; leaderlessMs: number }
  | { type: 'master-deposed'; master: string }
  | { type: 'agent-registered'; agent: string; master: string; agentId: string; again: boolean }
  | { type: 'agent-disconnected'; agent: string; master: string }
  | {
      type: 'failover';
      lost: string;
      how: LeaderLoss;
      leader: string;
      leaderlessMs: number;
      reregistered: number;
      agents: number;
      afterMs: number;
      /** Live tasks on the re-registered agents; absent in timelines written before it was counted. */
      tasks?: number;
    }
  | { type: 'scheduler-started'; scheduler: string; url: string }
  | { type: 'scheduler-elected'; scheduler: string; leaderlessMs: number }
  | { type: 'scheduler-deposed'; scheduler: string }
  | { type: 'scheduler-subscribed'; scheduler: string; frameworkId: string }
  | { type: 'scheduler-disconnected'; scheduler: string }
  | { type: 'scheduler-killed'; scheduler: string; leading: boolean }
  | { type: 'deployment-started'; deployment: string; steps: string[] }
  | { type: 'deployment-succeeded'; deployment: string; apps: string[] }
  | { type: 'deployment-failed'; deployment: string; apps: string[]; reason: string }
  | { type: 'task-state'; task: string; app: string; state: string; host: string; ports: number[]; message: string }
  | { type: 'task-states-skipped'; count: number; states: Record<string, number>; periodMs: number }
  /** The previous run's tasks that `down` stopped, once their updates reach the scheduler. */
  | { type: 'tasks-stopped-by-down'; count: number };

/** `at` is milliseconds since the epoch. */
export type TimelineEntry = TimelineEventBody & { at: number };
/** `seq` numbers events of one cluster in order, across restarts of its supervisor. */
export type TimelineEvent = TimelineEntry & { seq: number };

export function describeEvent(event: TimelineEventBody): string {
  switch (event.type) {
    case 'cluster-starting':
      return `cluster ${event.cluster} starting (profile ${event.profile})`;
    case 'cluster-ready':
      return `cluster ${event.cluster} ready after ${seconds(event.afterMs)}`;
    case 'cluster-failed':
      return `cluster ${event.cluster} failed to start: ${event.reason}`;
    case 'cluster-stopping':
      return `cluster ${event.cluster} stopping`;
    case 'cluster-stopped':
      return `cluster ${event.cluster} stopped`;
    case 'member-started':
      return `${event.member} started (pid ${event.pid})`;
    case 'member-state':
      return `${event.member} is ${event.state} (zxid ${event.zxid})`;
    case 'leader-elected':
      return `${event.member} elected leader after ${seconds(event.leaderlessMs)} without a leader`;
    case 'leader-lost':
      return `${event.member} is no longer leader`;
    case 'member-killed':
      return `${event.member} killed (pid ${event.pid}${event.role === null ? '' : `, ${event.role}`})`;
    case 'member-exited':
      return `${event.member} exited (${event.signal ?? `code ${event.code ?? '?'}`})`;
    case 'member-failed':
      return `${event.member} failed: ${event.reason}`;
    case 'scheduler-started':
    case 'scheduler-elected':
    case 'scheduler-deposed':
    case 'scheduler-subscribed':
    case 'scheduler-disconnected':
    case 'scheduler-killed':
      return describeSchedulerEvent(event);
    case 'deployment-started':
    case 'deployment-succeeded':
    case 'deployment-failed':
    case 'task-state':
    case 'task-states-skipped':
    case 'tasks-stopped-by-down':
      return describeMarathonEvent(event);
    default:
      return describeMesosEvent(event);
  }
}

function describeSchedulerEvent(event: SchedulerEventBody): string {
  switch (event.type) {
    case 'scheduler-started':
      return `${event.scheduler} started at ${event.url}`;
    case 'scheduler-elected':
      return `${event.scheduler} elected as the leading scheduler after ${seconds(event.leaderlessMs)}`;
    case 'scheduler-deposed':
      return `${event.scheduler} is no longer the leading scheduler`;
    case 'scheduler-subscribed':
      return `${event.scheduler} subscribed as framework ${event.frameworkId}`;
    case 'scheduler-disconnected':
      return `${event.scheduler} lost its subscription with the leading master`;
    case 'scheduler-killed':
      return `${event.scheduler} killed (${event.leading ? 'it was the leading scheduler; its tasks keep running' : 'standby'})`;
  }
}

type MesosEventBody = Exclude<
  TimelineEventBody,
  {
    type:
      | `cluster-${string}`
      | `member-${string}`
      | `leader-${string}`
      | `scheduler-${string}`
      | `deployment-${string}`
      | `task-${string}`
      | `tasks-${string}`;
  }
>;
type SchedulerEventBody = Extract<TimelineEventBody, { type: `scheduler-${string}` }>;
type MarathonEventBody = Extract<
  TimelineEventBody,
  { type: `deployment-${string}` | `task-${string}` | `tasks-${string}` }
>;

/** Deployments and task states, in Marathon's words. */
function describeMarathonEvent(event: MarathonEventBody): string {
  switch (event.type) {
    case 'deployment-started':
      return `deployment ${event.deployment} started: ${event.steps.map((step, i) => `step ${i + 1}: ${step}`).join('; ') || 'nothing to do'}`;
    case 'deployment-succeeded':
      return `deployment ${event.deployment} of ${event.apps.join(', ') || '/'} succeeded`;
    case 'deployment-failed':
      return `deployment ${event.deployment} of ${event.apps.join(', ') || '/'} stopped: ${event.reason}`;
    case 'task-state': {
      const where =
        event.host === '' ? '' : ` on ${event.host}${event.ports.length === 0 ? '' : `:${event.ports.join(',')}`}`;
      return `task ${event.task} of ${event.app} ${event.state}${where}${event.message === '' ? '' : ` (${event.message})`}`;
    }
    case 'task-states-skipped': {
      const states = Object.entries(event.states)
        .map(([state, n]) => `${state} ${n}`)
        .join(', ');
      return `${event.count} more task state ${event.count === 1 ? 'change' : 'changes'} in ${seconds(event.periodMs)} not listed (${states})`;
    }
    case 'tasks-stopped-by-down':
      return event.count === 1
        ? '1 task of the previous run was stopped by down and is being relaunched'
        : `${event.count} tasks of the previous run were stopped by down and are being relaunched`;
  }
}

function describeMesosEvent(event: MesosEventBody): string {
  switch (event.type) {
    case 'master-started':
      return `${event.master} started at ${event.url}`;
    case 'agent-started':
      return `${event.agent} started at ${event.url}`;
    case 'master-killed':
      return `${event.master} killed (${event.leading ? 'it was the leading master' : 'standby'})`;
    case 'agent-killed':
      return `${event.agent} killed (its tasks keep running)`;
    case 'component-exited':
      return `${event.component} exited (code ${event.code ?? '?'})`;
    case 'master-elected':
      return `${event.master} elected as the leading master after ${seconds(event.leaderlessMs)}`;
    case 'master-deposed':
      return `${event.master} is no longer the leading master`;
    case 'agent-registered':
      return event.again
        ? `${event.agent} re-registered with ${event.master}`
        : `${event.agent} registered with ${event.master} as ${event.agentId}`;
    case 'agent-disconnected':
      return `${event.agent} disconnected from ${event.master}`;
    case 'failover':
      return (
        `${event.lost} lost (${event.how}) → ${event.leader} leading after ${seconds(event.leaderlessMs)} → ` +
        `${event.reregistered}/${event.agents} agents re-registered after ${seconds(event.afterMs)}` +
        (event.tasks === undefined ? '' : `; ${event.tasks} ${event.tasks === 1 ? 'task' : 'tasks'} kept running`)
      );
    default: {
      const _: never = event;
      return _;
    }
  }
}

/** A duration as operators read it: `0.9 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
