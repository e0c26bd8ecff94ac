// `minicluster apps remove APP`: destroy an app (a StopApplication deployment kills its tasks) and follow it.
import { Args } from '@oclif/core';
import { MarathonCommand, timeoutFlag } from '../../marathon.js';

export default class AppsRemove extends MarathonCommand {
  static override description = 'destroy an app: kill its tasks and forget it';

  static override args = { app: Args.string({ description: 'app id', required: true }) };

  static override flags = { timeout: timeoutFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppsRemove);
    const client = await this.marathon(flags);
    await this.followDeployment(client, await client.deleteApp(args.app, { force: true }), flags.timeout);
  }
}
