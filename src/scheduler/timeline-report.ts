// What a scheduler tells its host for the cluster timeline: deployments (started with their steps,
// succeeded, stopped) and task state changes, read off the Marathon event bus. Pure.
import { isTerminalState } from '../master/core/v1.js';
import type { DeploymentStep, MarathonEvent, PlanSummary } from './core/model.js';

export type DeploymentPhase = 'started' | 'succeeded' | 'failed';

export type TimelineReport =
  | { type: 'deployment'; phase: DeploymentPhase; id: string; steps: string[]; apps: string[]; reason: string }
  | { type: 'task'; taskId: string; appId: string; state: string; host: string; ports: number[]; message: string };

/** Turns bus events into reports: a deployment once per phase, a task only when its state changed. */
export class TimelineReporter {
  private readonly announced = new Set<string>();
  private readonly taskStates = new Map<string, string>();

  report(event: MarathonEvent): TimelineReport | null {
    switch (event.eventType) {
      case 'deployment_info':
        if (this.announced.has(event.plan.id)) return null;
        this.announced.add(event.plan.id);
        return deployment('started', event.plan, '');
      case 'deployment_success':
        this.announced.delete(event.id);
        return deployment('succeeded', event.plan, '');
      case 'deployment_failed':
        this.announced.delete(event.id);
        return deployment('failed', event.plan, event.reason ?? '');
      case 'status_update_event':
        return this.taskChange(event);
      default:
        return null;
    }
  }

  private taskChange(event: Extract<MarathonEvent, { eventType: 'status_update_event' }>): TimelineReport | null {
    const { taskId, taskStatus } = event;
    if (this.taskStates.get(taskId) === taskStatus) return null;
    if (isTerminalState(taskStatus)) this.taskStates.delete(taskId);
    else this.taskStates.set(taskId, taskStatus);
    return {
      type: 'task',
      taskId,
      appId: event.appId,
      state: taskStatus,
      host: event.host,
      ports: event.ports,
      message: event.message,
    };
  }
}

function deployment(phase: DeploymentPhase, plan: PlanSummary, reason: string): TimelineReport {
  const apps = [...new Set(plan.steps.flatMap((step) => step.actions.map((a) => a.app)))];
  return { type: 'deployment', phase, id: plan.id, steps: plan.steps.map(stepText), apps, reason };
}

function stepText(step: DeploymentStep): string {
  return step.actions.map((a) => `${a.action} ${a.app}`).join(', ');
}
