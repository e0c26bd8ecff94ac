// `minicluster jobs remove NAME`: delete a job (its dependent children are re-attached or re-scheduled).
import { Args } from '@oclif/core';
import { ChronosCommand, jobArg } from '../../chronos.js';

export default class JobsRemove extends ChronosCommand {
  static override description =
    'delete a Chronos job: its running tasks are killed, its children move to its parents or onto its schedule';

  static override args = { name: Args.string(jobArg) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(JobsRemove);
    await (await this.chronos(flags)).remove(args.name);
    this.log(`removed job ${args.name}`);
  }
}
