// What every minicluster command shares: the --name flag, the cluster's paths, and printing a
// UserError or an oclif parse error as one line with exit code 1.
import { Command, Flags } from '@oclif/core';
import { UserError } from '../common/errors.js';
import { usageErrorLine } from './usage-errors.js';
import { DEFAULT_CLUSTER_NAME, clusterPaths, type ClusterPaths } from '../cluster/paths.js';

export abstract class ClusterCommand extends Command {
  static override baseFlags = {
    name: Flags.string({ description: 'which cluster', default: DEFAULT_CLUSTER_NAME }),
  };

  protected paths(name: string): ClusterPaths {
    return clusterPaths(name);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    const line = err instanceof UserError ? err.message : usageErrorLine(err, this.id ?? '', this.config.bin);
    if (line === null) return super.catch(err);
    // The arguments were read, and refused: oclif would otherwise warn that the command never parsed them.
    this.parsed = true;
    this.logToStderr(`error: ${line}`);
    process.exitCode = 1;
    return undefined;
  }
}
