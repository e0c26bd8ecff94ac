// What the dashboard reads besides the supervisor's status, each answer bounded in time so one
// component that hangs cannot stall the page: the leading master's state, the Marathon apps with
// their tasks and the launch queue, and each running member's connection count from `srvr`.
import { fourLetterWord } from '../../api/fourletter.js';
import { MarathonClient, type AppInfoJson, type Json } from '../../api/marathon.js';
import { MesosMasterClient, type MasterStateJson } from '../../api/mesos.js';
import { LOOPBACK } from '../../common/ports.js';
import type { ClusterStatus } from '../status.js';

/** How long the dashboard waits for any one answer before it shows the component as not answering. */
const SOURCE_TIMEOUT_MS = 800;

export interface Sources {
  masterState: MasterStateJson | null;
  apps: AppInfoJson[] | null;
  queue: Json[] | null;
  connections: Map<string, number>;
}

export async function readSources(status: ClusterStatus): Promise<Sources> {
  const [masterState, apps, queue, connections] = await Promise.all([
    leadingMasterState(status),
    marathonApps(status),
    marathonQueue(status),
    memberConnections(status),
  ]);
  return { masterState, apps, queue, connections };
}

function marathonQueue(status: ClusterStatus): Promise<Json[] | null> {
  return status.marathon === null
    ? Promise.resolve(null)
    : orNull(new MarathonClient(status.marathon).queue(['lastUnusedOffers']));
}

export function leadingMasterState(status: ClusterStatus): Promise<MasterStateJson | null> {
  const leading = status.masters.find((m) => m.role === 'leading' && m.state === 'running');
  return leading === undefined ? Promise.resolve(null) : orNull(new MesosMasterClient(leading.url).state());
}

function marathonApps(status: ClusterStatus): Promise<AppInfoJson[] | null> {
  return status.marathon === null
    ? Promise.resolve(null)
    : orNull(new MarathonClient(status.marathon).apps({ embed: ['apps.tasks'] }));
}

async function memberConnections(status: ClusterStatus): Promise<Map<string, number>> {
  const running = status.ensemble.filter((m) => m.state === 'running');
  const answers = await Promise.all(
    running.map(
      async (m) =>
        [
          m.name,
          await orNull(
            fourLetterWord({ host: LOOPBACK, port: m.clientPort, word: 'srvr', timeoutMs: SOURCE_TIMEOUT_MS }),
          ),
        ] as const,
    ),
  );
  return new Map(
    answers.flatMap(([name, text]) => {
      const count = /^Connections: (\d+)$/m.exec(text ?? '')?.[1];
      return count === undefined ? [] : [[name, Number(count)] as const];
    }),
  );
}

/** The answer, or null when it fails or takes longer than SOURCE_TIMEOUT_MS. */
function orNull<T>(answer: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SOURCE_TIMEOUT_MS)));
  return Promise.race([answer.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}
