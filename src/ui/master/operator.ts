// The pages Mesos's UI reads beside /master/state, from the leading master (JSONP follows a standby's 307):
// roles (/master/roles), maintenance (/master/maintenance/schedule and status) and its log (/master/log).
import { cpus, megabytes } from './format.js';
import { jsonp } from './jsonp.js';
import {
  machineKey,
  type MaintenanceSchedule,
  type MaintenanceStatus,
  type MasterState,
  type RoleJson,
} from './mesos.js';
import { leaderAddress } from './pages.js';
import { tailPanel } from './tail.js';
import { mono, panel, table } from './widgets.js';

export async function rolesPage(): Promise<HTMLElement[]> {
  const { roles } = await jsonp<{ roles: RoleJson[] }>('master/roles');
  const rows = roles.map((r) => [
    mono(r.name),
    String(r.weight),
    String(r.frameworks.length),
    cpus(r.allocated.cpus),
    megabytes(r.allocated.mem),
    megabytes(r.allocated.disk),
    cpus(r.offered.cpus),
    megabytes(r.offered.mem),
  ]);
  const headers = ['Role', 'Weight', 'Frameworks', 'CPUs', 'Mem', 'Disk', 'Offered CPUs', 'Offered Mem'];
  return [panel('Roles', table(headers, rows, 'No roles.'))];
}

const NS_PER_MS = 1e6;

export async function maintenancePage(): Promise<HTMLElement[]> {
  const [schedule, status] = await Promise.all([
    jsonp<MaintenanceSchedule>('master/maintenance/schedule'),
    jsonp<MaintenanceStatus>('master/maintenance/status'),
  ]);
  const draining = new Set((status.draining_machines ?? []).map((m) => machineKey(m.id)));
  const rows = (schedule.windows ?? []).flatMap((w) =>
    w.machine_ids.map((m) => [
      m.hostname ?? '–',
      m.ip ?? '–',
      new Date(w.unavailability.start.nanoseconds / NS_PER_MS).toLocaleString(),
      w.unavailability.duration === undefined ? '–' : `${w.unavailability.duration.nanoseconds / NS_PER_MS / 1000} s`,
      draining.has(machineKey(m)) ? 'draining' : 'up',
    ]),
  );
  const headers = ['Hostname', 'IP', 'Unavailable from', 'For', 'Mode'];
  return [panel('Maintenance', table(headers, rows, 'No maintenance is scheduled.'))];
}

export async function logPage(state: MasterState): Promise<HTMLElement[]> {
  const leader = leaderAddress(state);
  const base = `${window.location.protocol}//${leader}`;
  return [await tailPanel({ base, path: '/master/log', title: `Log of the leading master ${leader}` })];
}
