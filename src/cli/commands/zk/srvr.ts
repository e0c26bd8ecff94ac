// `minicluster zk srvr [MEMBER]`: the `srvr` four-letter word of one member, or of every member.
import { Args } from '@oclif/core';
import { fourLetterWord } from '../../../api/fourletter.js';
import { UserError, errorMessage } from '../../../common/errors.js';
import { requireRunning } from '../../../cluster/cluster-file.js';
import { ClusterCommand } from '../../base.js';

const SRVR_TIMEOUT_MS = 5_000;

export default class ZkSrvr extends ClusterCommand {
  static override description = "ask ensemble members for their summary (ZooKeeper's srvr four-letter word)";

  static override args = {
    member: Args.string({ description: 'zk-N; every member when omitted' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZkSrvr);
    const { members } = requireRunning(this.paths(flags.name));
    const chosen = args.member === undefined ? members : members.filter((m) => m.name === args.member);
    if (chosen.length === 0)
      throw new UserError(`no ensemble member named "${args.member}" (${members.map((m) => m.name).join(', ')})`);
    for (const m of chosen) {
      const answer = await fourLetterWord({
        host: m.host,
        port: m.clientPort,
        word: 'srvr',
        timeoutMs: SRVR_TIMEOUT_MS,
      }).catch((err: unknown) => `not reachable: ${errorMessage(err)}\n`);
      if (chosen.length > 1) this.log(`${m.name} (${m.host}:${m.clientPort})`);
      process.stdout.write(answer.endsWith('\n') ? answer : `${answer}\n`);
    }
  }
}
