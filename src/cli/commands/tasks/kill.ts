// `minicluster tasks kill TASK…`: kill tasks through Marathon (replaced, unless --scale lowers instances).
import { Args, Flags } from '@oclif/core';
import { MarathonCommand, forceFlag } from '../../marathon.js';

export default class TasksKill extends MarathonCommand {
  static override description = 'kill tasks; Marathon starts replacements unless --scale lowers the instance count';

  static override strict = false;

  static override args = { task: Args.string({ description: 'task id (several may be given)', required: true }) };

  static override flags = {
    scale: Flags.boolean({ description: "also lower the app's instances (no replacement)" }),
    wipe: Flags.boolean({ description: 'forget the instance at once' }),
    force: forceFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TasksKill);
    const client = await this.marathon(flags);
    const answer = await client.killTasks(argv.map(String), {
      scale: flags.scale,
      wipe: flags.wipe,
      force: flags.force,
    });
    if ('deploymentId' in answer) this.log(`deployment ${answer.deploymentId} lowers the instances`);
    else for (const t of answer.tasks) this.log(`killing ${t.id} (${t.state})`);
  }
}
