// `minicluster apps list`: every app with its instance counts and running deployments.
import { Flags } from '@oclif/core';
import { MarathonCommand } from '../../marathon.js';
import { table } from '../../format.js';

export default class AppsList extends MarathonCommand {
  static override description = 'list the apps with their instances, task counts and deployments';

  static override flags = { json: Flags.boolean({ description: 'print GET /v2/apps as JSON' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(AppsList);
    const apps = await (await this.marathon(flags)).apps();
    if (flags.json) return this.log(JSON.stringify({ apps }, null, 2));
    const rows = apps.map((a) => [
      a.id,
      String(a.instances),
      String(a.tasksRunning ?? 0),
      String(a.tasksHealthy ?? 0),
      String(a.tasksUnhealthy ?? 0),
      (a.deployments ?? []).map((d) => d.id).join(' ') || '-',
      a.version,
    ]);
    this.log(
      apps.length === 0
        ? 'no apps'
        : table(['ID', 'INSTANCES', 'RUNNING', 'HEALTHY', 'UNHEALTHY', 'DEPLOYMENTS', 'VERSION'], rows),
    );
  }
}
