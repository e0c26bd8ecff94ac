// `minicluster scheduler abdicate`: the leading scheduler steps down (Marathon's DELETE /v2/leader) with nothing
// killed; its tasks run on, and the scheduler elected next (another one, or the same when it is alone) takes over.
import { Flags } from '@oclif/core';
import { ControlClient } from '../../../api/control.js';
import { UserError } from '../../../common/errors.js';
import type { TimelineEvent } from '../../../cluster/core/timeline.js';
import { formatEvent } from '../../format.js';
import { MarathonCommand } from '../../marathon.js';

export default class SchedulerAbdicate extends MarathonCommand {
  static override description =
    'make the leading scheduler step down (DELETE /v2/leader) and wait until a scheduler leads again';

  static override examples = ['<%= config.bin %> scheduler abdicate', '<%= config.bin %> scheduler abdicate --no-wait'];

  static override flags = {
    wait: Flags.boolean({ description: 'wait for the next election', default: true, allowNo: true }),
    timeout: Flags.integer({ description: 'seconds to wait for the next election', default: 60, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SchedulerAbdicate);
    const client = await this.marathon(flags);
    const leader = await client.leader();
    const control = flags.marathon === undefined ? ControlClient.forCluster(this.paths(flags.name)) : null;
    const seen = control === null ? 0 : await lastSeq(control);
    this.log(`${(await client.abdicate()).message} by the leading scheduler at ${leader}`);
    if (control === null || !flags.wait) return;
    this.log(formatEvent(await nextElection(control, { after: seen, timeoutMs: flags.timeout * 1000 })));
  }
}

/** The seq of the newest event of the cluster's timeline so far. */
async function lastSeq(control: ControlClient): Promise<number> {
  let seq = 0;
  for await (const event of control.events()) seq = event.seq;
  return seq;
}

/** The first scheduler election after event `after`. */
async function nextElection(control: ControlClient, o: { after: number; timeoutMs: number }): Promise<TimelineEvent> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  try {
    for await (const event of control.events({ after: o.after, follow: true, signal }))
      if (event.type === 'scheduler-elected') return event;
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  throw new UserError(`no scheduler was elected within ${o.timeoutMs / 1000} s`);
}
