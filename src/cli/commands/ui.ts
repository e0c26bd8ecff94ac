// `minicluster ui`: print the dashboard's URL (it carries the cluster's token) and open it in a
// browser when this machine has one to open; --print only prints.
import { spawn } from 'node:child_process';
import { Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { UserError } from '../../common/errors.js';
import { ClusterCommand } from '../base.js';

export default class Ui extends ClusterCommand {
  static override description = 'print the URL of the live dashboard and open it in a browser';

  static override examples = ['<%= config.bin %> ui', '<%= config.bin %> ui --print'];

  static override flags = {
    print: Flags.boolean({ description: 'only print the URL' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ui);
    const { dashboard } = await ControlClient.forCluster(this.paths(flags.name)).status();
    if (dashboard === null) throw new UserError('the dashboard is not serving yet');
    this.log(dashboard);
    if (!flags.print) openInBrowser(dashboard);
  }
}

/** The command that opens a URL here, or null where there is no desktop to open it on. */
function opener(): string | null {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'linux' && (process.env['DISPLAY'] ?? process.env['WAYLAND_DISPLAY']) !== undefined)
    return 'xdg-open';
  return null;
}

/** Detached and best effort: a missing or failing opener leaves the printed URL to the user. */
function openInBrowser(url: string): void {
  const command = opener();
  if (command === null) return;
  const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
