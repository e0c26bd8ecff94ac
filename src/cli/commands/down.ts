// `minicluster down`: stop every component of a cluster; --purge also deletes its directory.
import { rmSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { ClusterCommand } from '../base.js';
import { downCluster } from '../../cluster/lifecycle.js';

export default class Down extends ClusterCommand {
  static override description = 'stop a cluster (its data stays unless --purge)';

  static override flags = {
    purge: Flags.boolean({ description: "also delete the cluster's data, logs and events" }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Down);
    const paths = this.paths(flags.name);
    const { stopped } = await downCluster(paths);
    this.log(stopped ? `cluster ${paths.name} stopped` : `cluster ${paths.name} is not running`);
    if (flags.purge) {
      rmSync(paths.dir, { recursive: true, force: true });
      this.log(`deleted ${paths.dir}`);
    }
  }
}
