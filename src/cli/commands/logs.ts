// `minicluster logs NAME|TASK|APP [-f]`: a component's log, readable (zk-N, master-N, agent-N, supervisor), or
// the sandbox stdout and stderr of a task or of every instance of an app, read through the agents; -f follows.
import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { LabelledLines, locateTasks, sandboxOutput, taskLabels, type TaskLocation } from '../../api/task-logs.js';
import { UserError } from '../../common/errors.js';
import { componentLog } from '../../cluster/component-logs.js';
import { ClusterCommand } from '../base.js';
import { formatLogRecord } from '../format.js';

/** How often -f looks for more. */
const FOLLOW_POLL_MS = 500;

interface Follow {
  follow: boolean;
  pollMs: number;
  signal: AbortSignal;
}

export default class Logs extends ClusterCommand {
  static override description =
    "print a component's log, or the stdout and stderr of a task or of every instance of an app from their sandboxes";

  static override examples = [
    '<%= config.bin %> logs master-1',
    '<%= config.bin %> logs agent-2 -f',
    '<%= config.bin %> logs /shop/api',
    '<%= config.bin %> logs run',
  ];

  static override args = {
    target: Args.string({
      description: 'zk-N, master-N, agent-N, supervisor, a task id or name, or an app id (/shop/api or shop/api)',
      required: true,
    }),
  };

  static override flags = {
    follow: Flags.boolean({
      char: 'f',
      description: 'keep printing what is added (tasks: until they end; Ctrl-C stops)',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const paths = this.paths(flags.name);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const follow = { follow: flags.follow, pollMs: FOLLOW_POLL_MS, signal: abort.signal };
    const file = paths.log(args.target);
    if (existsSync(file)) return this.printComponentLog(args.target, file, follow);
    const status = await ControlClient.forCluster(paths).status();
    const agents = status.agents.filter((a) => a.state === 'running').map((a) => a.url);
    const tasks = await locateTasks(agents, args.target);
    if (tasks.length === 0)
      throw new UserError(
        `no component, task or app named "${args.target}" (tasks are looked up on the running agents)`,
      );
    await this.printTasks(tasks, follow);
  }

  private async printComponentLog(name: string, file: string, follow: Follow): Promise<void> {
    let records = 0;
    for await (const record of componentLog(file, follow)) {
      records++;
      this.log(formatLogRecord(record));
    }
    if (records === 0) this.logToStderr(`the log of ${name} is empty (${file})`);
  }

  /** One task's output as it is; several tasks' line by line, each line after its task's label. */
  private async printTasks(tasks: readonly TaskLocation[], follow: Follow): Promise<void> {
    const labels = taskLabels(tasks.map((t) => t.taskId));
    const lines = new LabelledLines();
    const write = (file: 'stdout' | 'stderr', text: string): unknown =>
      (file === 'stdout' ? process.stdout : process.stderr).write(text);
    const onEmpty = (silent: number[]): void => {
      for (const i of silent)
        this.logToStderr(
          `task ${tasks[i]?.taskId} has written nothing to stdout or stderr${follow.follow ? ' yet' : ''}`,
        );
    };
    for await (const chunk of sandboxOutput(tasks, { ...follow, onEmpty })) {
      const label = labels[chunk.task] ?? '';
      write(chunk.file, tasks.length === 1 ? chunk.text : lines.add(chunk, `${label} | `));
    }
    for (const { file, text } of lines.rest()) write(file, text);
  }
}
