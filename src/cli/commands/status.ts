// `minicluster status`: every component with its role, state, pid and ports.
import { Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { ClusterCommand } from '../base.js';
import { formatStatus } from '../format.js';

export default class Status extends ClusterCommand {
  static override description = 'show every component of a running cluster: role, state, pid, ports';

  static override flags = {
    json: Flags.boolean({ description: 'print one JSON object' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const status = await ControlClient.forCluster(this.paths(flags.name)).status();
    this.log(flags.json ? JSON.stringify(status, null, 2) : formatStatus(status));
  }
}
