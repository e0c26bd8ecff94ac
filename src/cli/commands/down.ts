// `minicluster down`: stop every component of a cluster; --purge also stops the tasks its agents left
// running and deletes its directory.
import { Flags } from '@oclif/core';
import { ClusterCommand } from '../base.js';
import { downCluster, purgeCluster } from '../../cluster/lifecycle.js';
import { describeStoppedTasks } from '../../cluster/leftover-tasks.js';

export default class Down extends ClusterCommand {
  static override description = 'stop a cluster (its data stays unless --purge)';

  static override flags = {
    purge: Flags.boolean({
      description: "also stop every task its agents left running and delete the cluster's data, logs and events",
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Down);
    const paths = this.paths(flags.name);
    const purged = flags.purge ? await purgeCluster(paths) : null;
    const { stopped } = purged ?? (await downCluster(paths));
    this.log(stopped ? `cluster ${paths.name} stopped` : `cluster ${paths.name} is not running`);
    if (purged === null) return;
    const leftovers = describeStoppedTasks(purged.leftovers);
    if (leftovers !== null) this.log(leftovers);
    this.log(`deleted ${paths.dir}`);
  }
}
