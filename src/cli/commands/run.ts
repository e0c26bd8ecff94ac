// `minicluster run -- CMD…`: one task through the built-in framework (like mesos-execute): its state
// changes on stderr, then its stdout and stderr; exits with the task's exit status.
import { Flags } from '@oclif/core';
import { ControlClient } from '../../api/control.js';
import { runTask } from '../../api/run-task.js';
import { UserError, errorMessage } from '../../common/errors.js';
import { ClusterCommand } from '../base.js';
import { formatTaskStatus } from '../format.js';
import { shellCommand } from '../shell-words.js';

export default class Run extends ClusterCommand {
  static override description = 'run one task on the cluster and print its output (like mesos-execute)';

  static override examples = [
    '<%= config.bin %> run -- echo hello',
    "<%= config.bin %> run --cpus 0.5 --mem 64 -- 'for i in 1 2 3; do echo $i; sleep 1; done'",
    '<%= config.bin %> run --docker-image busybox -- uname -a',
  ];

  static override strict = false;

  static override flags = {
    'docker-image': Flags.string({ description: 'run the command in a Docker container of this image' }),
    cpus: Flags.string({ description: 'cpus the task needs', default: '0.1' }),
    mem: Flags.integer({ description: 'memory the task needs, in MB', default: 32, min: 1 }),
    'name-task': Flags.string({ description: 'name of the task', default: 'run' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Run);
    const words = argv.map(String);
    if (words.length === 0 && flags['docker-image'] === undefined)
      throw new UserError('give the command to run after --, e.g. minicluster run -- echo hello');
    const cpus = Number(flags.cpus);
    if (!Number.isFinite(cpus) || cpus <= 0) throw new UserError(`--cpus must be a positive number, got ${flags.cpus}`);
    const status = await ControlClient.forCluster(this.paths(flags.name)).status();
    const masters = status.masters.filter((m) => m.state === 'running').map((m) => m.url);
    if (masters.length === 0) throw new UserError(`cluster ${status.name} has no running master`);
    const agentName = (id: string | null): string => status.agents.find((a) => a.id === id)?.name ?? id ?? '?';
    const image = flags['docker-image'];
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const result = await runTask({
      masters,
      task: {
        name: flags['name-task'],
        command: shellCommand(words),
        cpus,
        mem: flags.mem,
        ...(image === undefined ? {} : { docker: { image } }),
      },
      onStatus: (task, s) => this.logToStderr(formatTaskStatus(task.request.name, s, agentName(task.agentId))),
      signal: abort.signal,
    }).catch((err: unknown) => {
      throw new UserError(abort.signal.aborted ? 'interrupted: the task was killed' : errorMessage(err));
    });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  }
}
