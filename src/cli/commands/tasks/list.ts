// `minicluster tasks list [APP]`: the tasks Marathon knows, with where they run.
import { Args, Flags } from '@oclif/core';
import { MarathonCommand } from '../../marathon.js';
import { table } from '../../format.js';

export default class TasksList extends MarathonCommand {
  static override description = 'list tasks (of one app, or of all) with their state, host ports and health';

  static override args = { app: Args.string({ description: 'only this app' }) };

  static override flags = { json: Flags.boolean({ description: 'print the tasks as JSON' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksList);
    const client = await this.marathon(flags);
    const tasks = args.app === undefined ? await client.tasks() : await client.appTasks(args.app);
    if (flags.json) return this.log(JSON.stringify({ tasks }, null, 2));
    const health = (t: Record<string, unknown>): string => {
      const results = Array.isArray(t['healthCheckResults']) ? (t['healthCheckResults'] as { alive?: boolean }[]) : [];
      if (results.length === 0) return '-';
      return results.every((r) => r.alive === true) ? 'healthy' : 'unhealthy';
    };
    const rows = tasks.map((t) => [
      t.id,
      t.appId,
      t.state,
      t.ports.map((p) => `${t.host}:${p}`).join(' ') || t.host,
      health(t),
      String(t['startedAt'] ?? '-'),
    ]);
    this.log(tasks.length === 0 ? 'no tasks' : table(['ID', 'APP', 'STATE', 'ENDPOINTS', 'HEALTH', 'STARTED'], rows));
  }
}
