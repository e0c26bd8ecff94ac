// Running the CLI as users do (node bin/run.js) against a temporary MINICLUSTER_HOME, and reading a
// cluster's status and control API from a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { ControlClient } from '../../src/api/control.js';
import { clusterPaths, type ClusterPaths } from '../../src/cluster/paths.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { REPO_ROOT } from '../helpers/repo.js';

const BIN = join(REPO_ROOT, 'bin', 'run.js');
const COMMAND_TIMEOUT_MS = 90_000;

export class CliHome {
  readonly dir = mkdtempSync(join(tmpdir(), 'minicluster-e2e-'));
  private readonly started = new Set<string>();

  run(...args: string[]): ResultPromise<{ reject: false; timeout: number; env: { MINICLUSTER_HOME: string } }> {
    return execa(process.execPath, [BIN, ...args], {
      env: { MINICLUSTER_HOME: this.dir },
      reject: false,
      timeout: COMMAND_TIMEOUT_MS,
    });
  }

  /** Runs a command that must succeed; returns its stdout. */
  async ok(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    if (result.exitCode !== 0)
      throw new Error(`minicluster ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  }

  /** `up -d --json --name NAME [flags…]`; the cluster is stopped by cleanup(). */
  async up(name: string, ...flags: string[]): Promise<ClusterStatus> {
    this.started.add(name);
    return JSON.parse(await this.ok('up', '-d', '--json', '--name', name, ...flags)) as ClusterStatus;
  }

  async status(name: string): Promise<ClusterStatus> {
    return JSON.parse(await this.ok('status', '--json', '--name', name)) as ClusterStatus;
  }

  paths(name: string): ClusterPaths {
    return clusterPaths(name, { MINICLUSTER_HOME: this.dir });
  }

  /** The control API of a running cluster (quicker than the CLI for polling). */
  control(name: string): ControlClient {
    return ControlClient.forCluster(this.paths(name));
  }

  async cleanup(): Promise<void> {
    for (const name of this.started) await this.run('down', '--name', name);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
