// `minicluster zk get PATH`: a znode's data as text (`null` for a node created without data).
import { Args } from '@oclif/core';
import { ClusterCommand } from '../../base.js';
import { withZk } from '../../zk.js';

export default class ZkGet extends ClusterCommand {
  static override description = "print a znode's data";

  static override args = {
    path: Args.string({ description: 'znode path', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZkGet);
    const { data } = await withZk(this.paths(flags.name), args.path, (zk) => zk.getData(args.path));
    this.log(data === null ? 'null' : data.toString('utf8'));
  }
}
