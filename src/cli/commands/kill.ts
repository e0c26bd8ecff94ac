// `minicluster kill NAME`: crash a component now (SIGKILL, or a worker thread ended without goodbye),
// e.g. the leading master or the ensemble leader.
import { Args } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { ClusterCommand } from '../base.js';
import { formatKilled } from '../format.js';

export default class Kill extends ClusterCommand {
  static override description =
    'crash a component now: the leading master, a master, an agent (its tasks keep running), an ensemble member, a scheduler or a Chronos';

  static override examples = [
    '<%= config.bin %> kill leader',
    '<%= config.bin %> kill agent-1',
    '<%= config.bin %> kill zk-leader',
    '<%= config.bin %> kill zk-2',
    '<%= config.bin %> kill scheduler',
    '<%= config.bin %> kill chronos',
  ];

  static override args = {
    component: Args.string({
      description:
        'leader (the leading master), master-N, agent-N, zk-leader, zk-N, scheduler (the leading scheduler), scheduler-N, chronos (the leading Chronos) or chronos-N',
      required: true,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Kill);
    const killed = await ControlClient.forCluster(this.paths(flags.name)).kill(args.component);
    this.log(formatKilled(killed));
  }
}
