// `minicluster deploy FILE|-`: create or update an app (or a group) from its Marathon JSON, follow the
// deployment with progress, then print each task's endpoints and the service ports.
import { readFile } from 'node:fs/promises';
import { Args, Flags } from '@oclif/core';
import { deploy, startDeployment } from '../../api/deploy.js';
import { UserError, errorMessage } from '../../common/errors.js';
import { jsonSyntaxError } from '../../ui/common/marathon-errors.js';
import { MarathonCommand, describeProgress, forceFlag, timeoutFlag } from '../marathon.js';

export default class Deploy extends MarathonCommand {
  static override description = 'create or update an app or a group from its Marathon JSON and wait for the deployment';

  static override examples = [
    '<%= config.bin %> deploy examples/nginx.json',
    'cat app.json | <%= config.bin %> deploy -',
    '<%= config.bin %> deploy examples/group.json --timeout 120',
  ];

  static override args = {
    file: Args.string({ description: 'Marathon app or group JSON (- reads stdin)', required: true }),
  };

  static override flags = {
    force: forceFlag,
    timeout: timeoutFlag,
    wait: Flags.boolean({ description: 'wait for the deployment to finish', default: true, allowNo: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Deploy);
    const definition = parseJson(await readInput(args.file), args.file);
    const client = await this.marathon(flags);
    if (!flags.wait) {
      const started = await startDeployment(client, definition, flags.force);
      for (const message of started.warnings) this.logToStderr(describeProgress({ type: 'warning', message }));
      this.log(`deployment ${started.deploymentId} started`);
      return;
    }
    const options = { force: flags.force, timeoutMs: flags.timeout * 1000 };
    const apps = await this.withProgress(`deploying ${args.file}`, (onProgress) =>
      deploy(client, definition, { ...options, onProgress }),
    );
    await this.logEndpoints(apps);
  }
}

async function readInput(file: string): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${errorMessage(err)}`);
  }
}

function parseJson(text: string, file: string): unknown {
  const mistake = jsonSyntaxError(text);
  if (mistake !== null) throw new UserError(`${file} is not JSON: ${mistake}`);
  return JSON.parse(text) as unknown;
}
