// `minicluster jobs history NAME`: the job's last tasks, newest first (GET /job/stat/NAME).
import { Args, Flags } from '@oclif/core';
import { ChronosCommand, jobArg } from '../../chronos.js';
import { table } from '../../format.js';

export default class JobsHistory extends ChronosCommand {
  static override description = "a Chronos job's last tasks, newest first: start, end, duration, outcome";

  static override args = { name: Args.string(jobArg) };

  static override flags = { json: Flags.boolean({ description: 'print the taskStatHistory as JSON' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(JobsHistory);
    const history = await (await this.chronos(flags)).history(args.name);
    if (flags.json) return this.log(JSON.stringify(history, null, 2));
    const rows = history.map((t) => [t.taskId, t.slaveId, t.startTime, t.endTime, t.duration ?? '-', t.status]);
    this.log(
      rows.length === 0
        ? `job ${args.name} has not run yet`
        : table(['TASK', 'AGENT', 'STARTED', 'ENDED', 'TOOK', 'OUTCOME'], rows),
    );
  }
}
