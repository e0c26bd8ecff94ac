// What the Marathon commands share: the client of the cluster's scheduler (or of any Marathon given
// with --marathon), following a deployment with progress lines (and the time it takes), and the
// endpoint table printed after.
import { Flags } from '@oclif/core';
import { ControlClient } from '../api/control.js';
import { DeployError, type DeployProgress, follow } from '../api/deploy.js';
import {
  MarathonClient,
  MarathonHttpError,
  describeMarathonError,
  type AppInfoJson,
  type DeploymentResult,
} from '../api/marathon.js';
import { UserError, errorMessage } from '../common/errors.js';
import { ClusterCommand } from './base.js';
import { table, unservedLines } from './format.js';
import type { UnservedPort } from '../scheduler/io/load-balancer.js';
import { ProgressLine } from './terminal.js';

export abstract class MarathonCommand extends ClusterCommand {
  /** The cluster's control API, when the Marathon API used is the cluster's own scheduler. */
  private control: ControlClient | null = null;

  static override baseFlags = {
    ...ClusterCommand.baseFlags,
    marathon: Flags.string({
      description: "a Marathon API to use instead of the cluster's scheduler (http://host:port)",
    }),
  };

  protected async marathon(flags: { name: string; marathon?: string | undefined }): Promise<MarathonClient> {
    if (flags.marathon !== undefined) return new MarathonClient(flags.marathon);
    this.control = ControlClient.forCluster(this.paths(flags.name));
    const status = await this.control.status();
    if (status.marathon === null)
      throw new UserError(`cluster ${status.name} has no scheduler (start it with up --schedulers 1)`);
    return new MarathonClient(status.marathon);
  }

  /** Follows a deployment with progress on stderr; prints where the apps' tasks answer when it is done. */
  protected async followDeployment(
    client: MarathonClient,
    result: DeploymentResult,
    timeoutSeconds: number,
  ): Promise<void> {
    const timeoutMs = timeoutSeconds * 1000;
    const apps = await this.withProgress(`deployment ${result.deploymentId}`, (onProgress) =>
      follow(client, result.deploymentId, { timeoutMs, onProgress }),
    );
    await this.logEndpoints(apps);
  }

  /** Prints where the apps' tasks answer; service ports the cluster's load balancer cannot serve say why. */
  protected async logEndpoints(apps: readonly AppInfoJson[]): Promise<void> {
    const status = await this.control?.status();
    this.log(endpointTable(apps, status?.schedulers.flatMap((s) => s.unservedPorts) ?? []));
  }

  /** Runs a wait whose progress goes to stderr, each line with the time since it began (ticking on a terminal). */
  protected withProgress<T>(title: string, wait: (onProgress: (p: DeployProgress) => void) => Promise<T>): Promise<T> {
    return ProgressLine.around({ out: process.stderr, title }, (line) =>
      wait((p) => {
        for (const text of describeProgress(p).split('\n')) line.note(text);
      }),
    );
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof MarathonHttpError || err instanceof DeployError) return super.catch(userFacing(err));
    if (err instanceof TypeError && err.message === 'fetch failed')
      return super.catch(new UserError(`cannot reach the Marathon API: ${errorMessage(err.cause ?? err)}`));
    return super.catch(err);
  }
}

export const timeoutFlag = Flags.integer({
  description: 'seconds to wait for the deployment (it goes on after, as in Marathon)',
  default: 60,
  min: 1,
});
export const forceFlag = Flags.boolean({ description: 'cancel deployments that lock the app (Marathon ?force=true)' });

/** Marathon's answer in words; a deployment not finished in time, with what to do about the apps left waiting. */
function userFacing(err: MarathonHttpError | DeployError): UserError {
  if (err instanceof MarathonHttpError) return new UserError(describeMarathonError(err, { force: '--force' }));
  const unplaced = err.waiting.filter((w) => w.unplaced).map((w) => w.app);
  return new UserError(unplaced.length === 0 ? err.message : `${err.message}; ${whatToDo(unplaced)}`);
}

/** What a user can do about apps whose instances no offer fits. */
function whatToDo(apps: readonly string[]): string {
  const app = apps.length === 1 ? (apps[0] ?? 'APP') : 'APP';
  return [
    `to go on, ask for fewer instances (minicluster scale ${app} N --force),`,
    'free what other apps hold (minicluster apps remove OTHER) or deploy a changed definition with --force',
  ].join(' ');
}

export function describeProgress(p: DeployProgress): string {
  switch (p.type) {
    case 'warning':
      return `warning: ${p.message}`;
    case 'started':
      return `deployment ${p.deploymentId} for ${p.apps.join(', ')}`;
    case 'step':
      return `step ${p.step}/${p.total}: ${p.actions.map((a) => `${a.action} ${a.app}`).join(', ')}`;
    case 'task':
      return `  ${p.task.id} ${p.task.state}${p.task.ports.length === 0 ? '' : ` on ${p.task.host}:${p.task.ports.join(',')}`}`;
    case 'waiting':
      return `  waiting on ${p.app}: ${p.reason}${p.unplaced ? `\n  ${whatToDo([p.app])}` : ''}`;
  }
}

/** Each task's host:port and the app's service ports, those in `unserved` marked and followed by why. */
export function endpointTable(apps: readonly AppInfoJson[], unserved: readonly UnservedPort[] = []): string {
  const ours = unserved.filter((u) => apps.some((a) => a.id === u.appId));
  const servicePort = (appId: string, port: number): string =>
    ours.some((u) => u.appId === appId && u.servicePort === port) ? `${port} (not served)` : `127.0.0.1:${port}`;
  const rows = apps.flatMap((app) =>
    (app.tasks ?? []).map((t) => [
      app.id,
      t.id,
      t.state,
      t.ports.map((p) => `${t.host}:${p}`).join(' ') || t.host,
      servicePorts(t)
        .map((p) => servicePort(app.id, p))
        .join(' ') || '-',
    ]),
  );
  if (apps.length === 0) return 'done';
  const listed =
    rows.length === 0
      ? apps.map((a) => `${a.id}: no tasks (instances ${a.instances})`).join('\n')
      : table(['APP', 'TASK', 'STATE', 'ENDPOINTS', 'SERVICE PORTS'], rows);
  return [listed, ...unservedLines(ours)].join('\n');
}

function servicePorts(task: Record<string, unknown>): number[] {
  const ports = task['servicePorts'];
  return Array.isArray(ports) ? ports.filter((p): p is number => typeof p === 'number' && p > 0) : [];
}
