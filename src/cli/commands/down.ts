// `minicluster down`: stop every component of a cluster, showing on stderr what the stop waits for (agents
// killing their tasks, …); --purge also stops the tasks its agents left running and deletes its directory.
import { Flags } from '@oclif/core';
import { ClusterCommand } from '../base.js';
import { type DownResult, type PurgeResult, downCluster, purgeCluster } from '../../cluster/lifecycle.js';
import { describeStoppedTasks } from '../../cluster/leftover-tasks.js';
import { ProgressLine } from '../terminal.js';

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
    const title = `stopping cluster ${paths.name}`;
    const result: DownResult & Partial<PurgeResult> = await ProgressLine.around(
      { out: process.stderr, title },
      (progress) => {
        const options = { onWaiting: (what: string) => progress.waitingFor(what) };
        return flags.purge ? purgeCluster(paths, options) : downCluster(paths, options);
      },
    );
    this.log(result.stopped ? `cluster ${paths.name} stopped` : `cluster ${paths.name} is not running`);
    if (result.leftovers === undefined) return;
    const leftovers = describeStoppedTasks(result.leftovers);
    if (leftovers !== null) this.log(leftovers);
    this.log(`deleted ${paths.dir}`);
  }
}
