// What every minicluster command shares: the --name flag, the cluster's paths, and printing a
// UserError as one line with exit code 1.
import { Command, Flags } from '@oclif/core';
import { UserError } from '../common/errors.js';
import { DEFAULT_CLUSTER_NAME, clusterPaths, type ClusterPaths } from '../cluster/paths.js';

export abstract class ClusterCommand extends Command {
  static override baseFlags = {
    name: Flags.string({ description: 'which cluster', default: DEFAULT_CLUSTER_NAME }),
  };

  protected paths(name: string): ClusterPaths {
    return clusterPaths(name);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (!(err instanceof UserError)) return super.catch(err);
    this.logToStderr(`error: ${err.message}`);
    process.exitCode = 1;
    return undefined;
  }
}
