// `minicluster jobs show NAME`: the job as Chronos serves it.
import { Args } from '@oclif/core';
import { ChronosCommand, jobArg } from '../../chronos.js';

export default class JobsShow extends ChronosCommand {
  static override description = 'print a Chronos job as JSON';

  static override args = { name: Args.string(jobArg) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(JobsShow);
    this.log(JSON.stringify(await (await this.chronos(flags)).job(args.name), null, 2));
  }
}
