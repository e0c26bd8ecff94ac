// `minicluster zk create PATH [DATA]`: create a znode (persistent unless -e/-s/-c say otherwise).
import { Args, Flags } from '@oclif/core';
import { ClusterCommand } from '../../base.js';
import { withZk } from '../../zk.js';

type CreateMode = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential' | 'container';

export default class ZkCreate extends ClusterCommand {
  static override description = 'create a znode';

  static override examples = ['<%= config.bin %> zk create /app hello', '<%= config.bin %> zk create -s /app/job- x'];

  static override args = {
    path: Args.string({ description: 'znode path', required: true }),
    data: Args.string({ description: 'data (text); none means a node without data' }),
  };

  static override flags = {
    ephemeral: Flags.boolean({
      char: 'e',
      description: "ephemeral: gone when this command's session ends",
      exclusive: ['container'],
    }),
    sequential: Flags.boolean({
      char: 's',
      description: 'append a sequence number to the name',
      exclusive: ['container'],
    }),
    container: Flags.boolean({ char: 'c', description: 'container: removed once its last child is gone' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZkCreate);
    const data = args.data === undefined ? null : Buffer.from(args.data, 'utf8');
    const created = await withZk(this.paths(flags.name), args.path, (zk) =>
      zk.create(args.path, data, { mode: createMode(flags) }),
    );
    this.log(`Created ${created}`);
  }
}

function createMode(flags: { ephemeral: boolean; sequential: boolean; container: boolean }): CreateMode {
  if (flags.container) return 'container';
  const kind = flags.ephemeral ? 'ephemeral' : 'persistent';
  return flags.sequential ? `${kind}_sequential` : kind;
}
