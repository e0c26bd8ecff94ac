// `minicluster jobs run NAME [--arguments ARGS]`: run a job now (PUT /job/NAME).
import { Args, Flags } from '@oclif/core';
import { ChronosCommand, jobArg } from '../../chronos.js';

export default class JobsRun extends ChronosCommand {
  static override description = 'run a Chronos job now (its schedule moves on as after a scheduled run)';

  static override args = { name: Args.string(jobArg) };

  static override flags = { arguments: Flags.string({ description: "arguments instead of the job's own" }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(JobsRun);
    await (await this.chronos(flags)).run(args.name, flags.arguments);
    this.log(`job ${args.name} queued to run now`);
  }
}
