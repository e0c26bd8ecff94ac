// `minicluster start NAME`: bring a killed component back with its data, showing the wait on stderr; a word for
// a kind (`leader`, `scheduler`, `agent`, …) brings back the one killed while it led, or the only one down.
import { Args } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { ClusterCommand } from '../base.js';
import { formatStarted } from '../format.js';
import { ProgressLine } from '../terminal.js';

export default class Start extends ClusterCommand {
  static override description = 'bring a killed component back (same ports, same data or work dir)';

  static override examples = [
    '<%= config.bin %> start master-1',
    '<%= config.bin %> start leader',
    '<%= config.bin %> start agent-2',
    '<%= config.bin %> start zk-3',
  ];

  static override args = {
    component: Args.string({
      description:
        'master-N, agent-N, zk-N, scheduler-N or chronos-N; or leader, zk-leader, scheduler, chronos (the one killed while it led, else the only one down), master, agent, zk',
      required: true,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Start);
    const client = ControlClient.forCluster(this.paths(flags.name));
    const { name, was } = await client.whichToStart(args.component);
    const started = await ProgressLine.around({ out: process.stderr, title: `starting ${name}` }, (progress) => {
      progress.waitingFor('waiting for it to report ready');
      return client.start(name);
    });
    this.log(formatStarted({ ...started, was }));
  }
}
