// `minicluster zk ls PATH`: a znode's children, sorted, printed like zkCli.
import { Args } from '@oclif/core';
import { ClusterCommand } from '../../base.js';
import { withZk } from '../../zk.js';

export default class ZkLs extends ClusterCommand {
  static override description = "list a znode's children";

  static override args = {
    path: Args.string({ description: 'znode path', default: '/' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZkLs);
    const children = await withZk(this.paths(flags.name), args.path, (zk) => zk.getChildren(args.path));
    this.log(`[${[...children].sort().join(', ')}]`);
  }
}
