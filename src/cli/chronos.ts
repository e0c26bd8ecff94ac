// What the `jobs` commands share: the client of the cluster's Chronos (or of any Chronos given with --chronos),
// and Chronos's error answers printed as one line.
import { Flags } from '@oclif/core';
import { ChronosClient, ChronosHttpError } from '../api/chronos.js';
import { ControlClient } from '../api/control.js';
import { UserError, errorMessage } from '../common/errors.js';
import { ClusterCommand } from './base.js';

export abstract class ChronosCommand extends ClusterCommand {
  static override baseFlags = {
    ...ClusterCommand.baseFlags,
    chronos: Flags.string({ description: "a Chronos API to use instead of the cluster's own (http://host:port)" }),
  };

  protected async chronos(flags: { name: string; chronos?: string | undefined }): Promise<ChronosClient> {
    if (flags.chronos !== undefined) return new ChronosClient(flags.chronos.replace(/\/+$/, ''));
    const status = await ControlClient.forCluster(this.paths(flags.name)).status();
    if (status.chronos === null || status.chronos === undefined)
      throw new UserError(`cluster ${status.name} runs no Chronos (start it with up --chronos 1)`);
    return new ChronosClient(status.chronos);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof ChronosHttpError) return super.catch(new UserError(err.message));
    if (err instanceof TypeError && err.message === 'fetch failed')
      return super.catch(new UserError(`cannot reach the Chronos API: ${errorMessage(err.cause ?? err)}`));
    return super.catch(err);
  }
}

export const jobArg = { description: 'the job name', required: true } as const;
