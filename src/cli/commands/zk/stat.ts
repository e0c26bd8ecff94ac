// `minicluster zk stat PATH`: a znode's Stat, printed like zkCli's `stat`.
import { Args } from '@oclif/core';
import { UserError } from '../../../common/errors.js';
import { ClusterCommand } from '../../base.js';
import { formatStat } from '../../format.js';
import { withZk } from '../../zk.js';

export default class ZkStat extends ClusterCommand {
  static override description = "print a znode's Stat (zxids, versions, times, owner)";

  static override args = {
    path: Args.string({ description: 'znode path', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZkStat);
    const stat = await withZk(this.paths(flags.name), args.path, (zk) => zk.exists(args.path));
    if (stat === null) throw new UserError(`Node does not exist: ${args.path}`);
    this.log(formatStat(stat));
  }
}
