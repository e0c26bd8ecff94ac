// `minicluster apps restart APP`: a rolling restart (RestartApplication) governed by the app's upgradeStrategy.
import { Args } from '@oclif/core';
import { MarathonCommand, forceFlag, timeoutFlag } from '../../marathon.js';

export default class AppsRestart extends MarathonCommand {
  static override description = 'replace every task of an app with a new one, as its upgradeStrategy allows';

  static override args = { app: Args.string({ description: 'app id', required: true }) };

  static override flags = { force: forceFlag, timeout: timeoutFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppsRestart);
    const client = await this.marathon(flags);
    await this.followDeployment(client, await client.restartApp(args.app, { force: flags.force }), flags.timeout);
  }
}
