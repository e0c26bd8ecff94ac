// `minicluster jobs list`: every job with its schedule, next run, last success and failure, counts and state.
import { Flags } from '@oclif/core';
import { jobRows } from '../../../api/chronos.js';
import { ChronosCommand } from '../../chronos.js';
import { table } from '../../format.js';

export default class JobsList extends ChronosCommand {
  static override description = 'list the Chronos jobs: schedule, next run, last success and failure, counts, state';

  static override flags = { json: Flags.boolean({ description: 'print GET /v1/scheduler/jobs as JSON' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(JobsList);
    const client = await this.chronos(flags);
    const [jobs, summary] = await Promise.all([client.jobs(), client.summary()]);
    if (flags.json) return this.log(JSON.stringify(jobs, null, 2));
    const rows = jobRows(jobs, summary, Date.now()).map((r) => [
      r.name,
      r.schedule,
      r.nextRun,
      r.lastSuccess,
      r.lastFailure,
      `${r.successes}/${r.failures}`,
      r.state,
    ]);
    const header = ['JOB', 'SCHEDULE', 'NEXT RUN', 'LAST SUCCESS', 'LAST FAILURE', 'OK/FAILED', 'STATE'];
    this.log(rows.length === 0 ? 'no jobs' : table(header, rows));
  }
}
