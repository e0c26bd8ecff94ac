// The member's configuration rendered as the zoo.cfg a real ZooKeeper server would run with,
// written to the data dir for people to read (the member itself never reads it back).
import type { MemberProcessConfig, ServerEntry } from '../../cluster/member-config.js';
import { MAX_CLIENT_CONNECTIONS_PER_ADDRESS } from '../../common/limits.js';

function serverLine(s: ServerEntry): string {
  return `server.${s.sid}=${s.host}:${s.quorumPort}:${s.electionPort}:${s.role};${s.host}:${s.clientPort}`;
}

/** The `server.N=` lines and `version=0`, as ZooKeeper shows its dynamic configuration. */
export function ensembleConfigText(servers: readonly ServerEntry[]): string {
  return [...servers.map(serverLine), 'version=0'].join('\n');
}

export function renderZooCfg(config: MemberProcessConfig): string {
  const lines = [
    '# What this member runs with, in zoo.cfg form. Written for reading; edits have no effect.',
    `tickTime=${config.tickMs}`,
    `initLimit=${config.initLimit}`,
    `syncLimit=${config.syncLimit}`,
    `dataDir=${config.dataDir}`,
    `clientPortAddress=${config.host}`,
    `clientPort=${config.clientPort}`,
    `minSessionTimeout=${config.minSessionTimeoutMs}`,
    `maxSessionTimeout=${config.maxSessionTimeoutMs}`,
    `maxClientCnxns=${config.maxClientCnxns ?? MAX_CLIENT_CONNECTIONS_PER_ADDRESS}`,
    `4lw.commands.whitelist=${config.fourLetterWords}`,
    ...(config.role === 'observer' ? ['peerType=observer'] : []),
    ...config.servers.map(serverLine),
  ];
  return `${lines.join('\n')}\n`;
}
