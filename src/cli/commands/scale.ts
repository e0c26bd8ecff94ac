// `minicluster scale APP N`: set an app's instances (a ScaleApplication deployment) and follow it.
import { Args } from '@oclif/core';
import { UserError } from '../../common/errors.js';
import { MarathonCommand, forceFlag, timeoutFlag } from '../marathon.js';

export default class Scale extends MarathonCommand {
  static override description = 'scale an app to N instances and wait until they run';

  static override examples = ['<%= config.bin %> scale nginx 3', '<%= config.bin %> scale /web/frontend 0'];

  static override args = {
    app: Args.string({ description: 'app id', required: true }),
    instances: Args.string({ description: 'instances wanted', required: true }),
  };

  static override flags = { force: forceFlag, timeout: timeoutFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Scale);
    const instances = Number(args.instances);
    if (!Number.isInteger(instances) || instances < 0)
      throw new UserError(`instances must be a whole number, got ${args.instances}`);
    const client = await this.marathon(flags);
    const result = await client.putApp(args.app, { instances }, { force: flags.force });
    await this.followDeployment(client, result, flags.timeout);
  }
}
