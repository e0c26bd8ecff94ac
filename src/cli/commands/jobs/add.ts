// `minicluster jobs add FILE|-`: create or replace the jobs of a Chronos job file (one job, or an array of them
// in order, parents first), each at /iso8601 or /dependency as it has a schedule or parents.
import { readFileSync } from 'node:fs';
import { Args } from '@oclif/core';
import { jobsOfFile } from '../../../api/chronos.js';
import { UserError } from '../../../common/errors.js';
import { ChronosCommand } from '../../chronos.js';

export default class JobsAdd extends ChronosCommand {
  static override description = 'create or replace Chronos jobs from a job file (one job or an array, parents first)';

  static override examples = [
    '<%= config.bin %> jobs add examples/jobs/heartbeat.json',
    'cat job.json | <%= config.bin %> jobs add -',
  ];

  static override args = { file: Args.string({ description: 'a job file, or - for stdin', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(JobsAdd);
    let jobs: Record<string, unknown>[];
    try {
      jobs = jobsOfFile(readFileSync(args.file === '-' ? 0 : args.file, 'utf8'));
    } catch (err) {
      throw new UserError(`${args.file}: ${(err as Error).message}`);
    }
    const client = await this.chronos(flags);
    for (const job of jobs) {
      await client.put(job);
      const what = Array.isArray(job.parents)
        ? `after ${job.parents.join(', ')}`
        : `on ${String(job.schedule ?? 'R1 (once, now)')}`;
      this.log(`added job ${String(job.name)} (${what})`);
    }
  }
}
