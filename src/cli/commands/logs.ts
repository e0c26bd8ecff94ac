// `minicluster logs NAME|TASK [-f]`: a component's log, readable (zk-N, master-N, agent-N, supervisor),
// or a task's sandbox stdout and stderr read through its agent; -f follows them.
import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { locateTask, sandboxOutput } from '../../api/task-logs.js';
import { UserError } from '../../common/errors.js';
import { componentLog } from '../../cluster/component-logs.js';
import { ClusterCommand } from '../base.js';
import { formatLogRecord } from '../format.js';

/** How often -f looks for more. */
const FOLLOW_POLL_MS = 500;

export default class Logs extends ClusterCommand {
  static override description = "print a component's log, or a task's stdout and stderr from its sandbox";

  static override examples = [
    '<%= config.bin %> logs master-1',
    '<%= config.bin %> logs agent-2 -f',
    '<%= config.bin %> logs run',
  ];

  static override args = {
    target: Args.string({ description: 'zk-N, master-N, agent-N, supervisor, or a task id or name', required: true }),
  };

  static override flags = {
    follow: Flags.boolean({
      char: 'f',
      description: 'keep printing what is added (a task: until it ends; Ctrl-C stops)',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const paths = this.paths(flags.name);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const follow = { follow: flags.follow, pollMs: FOLLOW_POLL_MS, signal: abort.signal };
    if (existsSync(paths.log(args.target))) {
      for await (const record of componentLog(paths.log(args.target), follow)) this.log(formatLogRecord(record));
      return;
    }
    const status = await ControlClient.forCluster(paths).status();
    const agents = status.agents.filter((a) => a.state === 'running').map((a) => a.url);
    const task = await locateTask(agents, args.target);
    if (task === null)
      throw new UserError(`no component or task named "${args.target}" (tasks are looked up on the running agents)`);
    for await (const chunk of sandboxOutput(task, follow))
      (chunk.file === 'stdout' ? process.stdout : process.stderr).write(chunk.text);
  }
}
