// `minicluster jobs kill NAME`: kill the job's running tasks (DELETE /task/kill/NAME).
import { Args } from '@oclif/core';
import { ChronosCommand, jobArg } from '../../chronos.js';

export default class JobsKill extends ChronosCommand {
  static override description = "kill a Chronos job's running tasks (neither a success nor a failure)";

  static override args = { name: Args.string(jobArg) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(JobsKill);
    await (await this.chronos(flags)).kill(args.name);
    this.log(`killing the tasks of job ${args.name}`);
  }
}
