// `minicluster events`: the cluster timeline (member states, elections, agent registrations,
// failovers, framework subscriptions, deployments, task states, kills, starts); -f follows it;
// --election [N] tells one recorded election step by step instead.
import { Args, Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { UserError } from '../../common/errors.js';
import { ClusterCommand } from '../base.js';
import { formatElection } from '../election-format.js';
import { formatEvent } from '../format.js';
import type { TimelineEvent } from '../../cluster/core/timeline.js';
import { readTimeline } from '../../cluster/timeline-store.js';
import type { ClusterPaths } from '../../cluster/paths.js';

export default class Events extends ClusterCommand {
  static override description =
    'print the cluster timeline: elections, failovers, agent registrations, framework subscriptions, deployments, task states, member states, kills, starts';

  static override args = {
    n: Args.integer({ description: 'with --election: which election (default: the latest)', min: 1 }),
  };

  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new events until the cluster stops or Ctrl-C' }),
    json: Flags.boolean({ description: 'one JSON object per line' }),
    election: Flags.boolean({
      description: 'tell one election step by step (votes, the decision and why, Zab discovery and sync)',
      exclusive: ['follow'],
    }),
  };

  async run(): Promise<void> {
    const { flags, args } = await this.parse(Events);
    const paths = this.paths(flags.name);
    if (flags.election) return this.election(paths, args.n, flags.json);
    if (args.n !== undefined) throw new UserError('an election number goes with --election (events --election N)');
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

  /** Election N (or the latest) as the running supervisor recorded it. */
  private async election(paths: ClusterPaths, n: number | undefined, json: boolean): Promise<void> {
    const client = ControlClient.forCluster(paths);
    const id = n ?? (await client.elections())[0]?.id;
    if (id === undefined) throw new UserError('no election is recorded yet');
    const record = await client.election(id);
    if (json) this.log(JSON.stringify(record));
    else for (const line of formatElection(record)) this.log(line);
  }
}
