// `minicluster events`: the cluster timeline (member states, elections, agent registrations,
// failovers, framework subscriptions, deployments, task states, kills, starts); -f follows it.
import { Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { ClusterCommand } from '../base.js';
import { formatEvent } from '../format.js';
import type { TimelineEvent } from '../../cluster/core/timeline.js';
import { readTimeline } from '../../cluster/timeline-store.js';

export default class Events extends ClusterCommand {
  static override description =
    'print the cluster timeline: elections, failovers, agent registrations, framework subscriptions, deployments, task states, member states, kills, starts';

  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new events until the cluster stops or Ctrl-C' }),
    json: Flags.boolean({ description: 'one JSON object per line' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Events);
    const paths = this.paths(flags.name);
    const print = (event: TimelineEvent): void => this.log(flags.json ? JSON.stringify(event) : formatEvent(event));
    const client = flags.follow ? ControlClient.forCluster(paths) : null;
    const past = readTimeline(paths.eventsFile);
    past.forEach(print);
    if (client === null) return;
    try {
      for await (const event of client.events({ after: past.at(-1)?.seq ?? 0, follow: true })) print(event);
    } catch {
      // the supervisor closed the stream: the cluster stopped
    }
  }
}
