// `minicluster zk delete PATH`: delete a znode (any version unless -v is given).
import { Args, Flags } from '@oclif/core';
import { ClusterCommand } from '../../base.js';
import { withZk } from '../../zk.js';

export default class ZkDelete extends ClusterCommand {
  static override description = 'delete a znode without children';

  static override args = {
    path: Args.string({ description: 'znode path', required: true }),
  };

  static override flags = {
    version: Flags.integer({ char: 'v', description: 'delete only if the data version matches', default: -1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZkDelete);
    await withZk(this.paths(flags.name), args.path, (zk) => zk.delete(args.path, flags.version));
    this.log(`Deleted ${args.path}`);
  }
}
