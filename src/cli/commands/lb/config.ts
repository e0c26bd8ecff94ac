// `minicluster lb config [--output FILE]`: an haproxy.cfg for the apps of the cluster's scheduler (or of
// any Marathon given with --marathon), rendered from GET /v2/apps?embed=apps.tasks as marathon-lb renders it.
import { writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { renderHaproxyConfig, type AppsJson } from '../../../scheduler/core/haproxy.js';
import { loadHaproxyTemplates } from '../../../scheduler/io/haproxy-templates.js';
import { MarathonCommand } from '../../marathon.js';

export default class LbConfig extends MarathonCommand {
  static override description = "print an haproxy.cfg that load-balances every app's service ports (marathon-lb style)";

  static override examples = ['<%= config.bin %> lb config', '<%= config.bin %> lb config --output haproxy.cfg'];

  static override flags = {
    output: Flags.string({ char: 'o', description: 'write the config to this file instead of printing it' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LbConfig);
    const apps = await (await this.marathon(flags)).apps({ embed: ['apps.tasks'] });
    // The client types only the fields its own callers read; the renderer reads Marathon's JSON itself.
    const config = renderHaproxyConfig({
      apps: { apps } as unknown as AppsJson,
      templates: await loadHaproxyTemplates(),
    });
    if (flags.output === undefined) this.log(config.trimEnd());
    else await writeFile(flags.output, config);
  }
}
