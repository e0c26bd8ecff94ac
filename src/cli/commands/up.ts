// `minicluster up`: start a cluster in the foreground (endpoints, then live events until Ctrl-C) or,
// with --detach, in the background, returning once it is ready.
import { Flags } from '@oclif/core';
import { ClusterCommand } from '../base.js';
import { formatEvent, formatStatus } from '../format.js';
import { superviseHere, upDetached } from '../../cluster/lifecycle.js';
import { PROFILES, clusterSpec } from '../../cluster/spec.js';
import type { ClusterStatus } from '../../cluster/status.js';
import type { Supervisor } from '../../cluster/supervisor.js';

export default class Up extends ClusterCommand {
  static override description = 'start a cluster: a three-member coordination ensemble on loopback ports';

  static override examples = ['<%= config.bin %> up', '<%= config.bin %> up -d --json', '<%= config.bin %> up --profile realistic --observers 1'];

  static override flags = {
    profile: Flags.string({ description: 'timing profile', options: [...PROFILES], default: 'demo' }),
    observers: Flags.integer({ description: 'non-voting ensemble members to add', default: 0, min: 0 }),
    masters: Flags.integer({ hidden: true, default: 3, min: 1 }),
    agents: Flags.integer({ hidden: true, default: 2, min: 0 }),
    detach: Flags.boolean({ char: 'd', description: 'run in the background; return once the cluster is ready' }),
    json: Flags.boolean({ description: 'print the cluster as one JSON object (and events as JSON lines)' }),
    supervise: Flags.boolean({ hidden: true, description: 'be the background supervisor of up --detach' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Up);
    const options = { paths: this.paths(flags.name), spec: clusterSpec({ profile: flags.profile, observers: flags.observers }) };
    if (flags.supervise) {
      await superviseHere({ ...options, terminal: false, onReady: () => undefined });
      return;
    }
    if (flags.detach) {
      this.print(await upDetached(options), flags.json);
      return;
    }
    await superviseHere({
      ...options,
      terminal: true,
      onReady: (status, supervisor) => this.follow(status, supervisor, flags.json),
    });
  }

  private follow(status: ClusterStatus, supervisor: Supervisor, json: boolean): void {
    this.print(status, json);
    if (!json) this.log('\nevents (Ctrl-C stops the cluster):');
    supervisor.timeline.subscribe((event) => this.log(json ? JSON.stringify(event) : formatEvent(event)));
  }

  private print(status: ClusterStatus, json: boolean): void {
    this.log(json ? JSON.stringify(status, null, 2) : formatStatus(status));
  }
}
