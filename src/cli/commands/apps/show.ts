// `minicluster apps show APP`: the app as GET /v2/apps/{id} answers it (tasks, counts, last failure).
import { Args } from '@oclif/core';
import { MarathonCommand } from '../../marathon.js';

export default class AppsShow extends MarathonCommand {
  static override description = 'print one app as Marathon shows it (with its tasks and last task failure)';

  static override args = { app: Args.string({ description: 'app id', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppsShow);
    this.log(JSON.stringify(await (await this.marathon(flags)).app(args.app), null, 2));
  }
}
