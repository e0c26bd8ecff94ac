// Maintenance as Mesos's master keeps it: the schedule operators POST (windows of machines with when they
// become unavailable), validated as Mesos validates it (machines named, each in one window only, durations
// not negative) and kept in the registry; the machines it names are draining. Nothing here takes them down.
import type {
  MachineIdJson,
  MaintenanceScheduleJson,
  MaintenanceStatusJson,
  MaintenanceWindowJson,
} from '../../api/mesos.js';
import { answer, log, persistRegistry, type Ctx, type MasterState } from './state.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Mesos lower-cases hostnames; a machine is known by hostname and ip together. */
function normalized(id: MachineIdJson): MachineIdJson {
  return {
    ...(id.hostname === undefined ? {} : { hostname: id.hostname.toLowerCase() }),
    ...(id.ip === undefined ? {} : { ip: id.ip }),
  };
}

function machineProblem(id: MachineIdJson): string | null {
  if ((id.hostname ?? '') === '' && (id.ip ?? '') === '') return "Both 'hostname' and 'ip' for a machine are empty";
  const octets = IPV4.exec(id.ip ?? '0.0.0.0')
    ?.slice(1)
    .map(Number);
  if (octets === undefined || octets.some((o) => o > 255)) return `Failed to parse IP '${id.ip}'`;
  return null;
}

/** What makes the schedule invalid, in Mesos's words; null when it is fine. */
function scheduleProblem(windows: readonly MaintenanceWindowJson[]): string | null {
  const seen = new Set<string>();
  for (const window of windows) {
    if (window.machine_ids.length === 0) return 'List of machines in the maintenance window is empty';
    if ((window.unavailability.duration?.nanoseconds ?? 0) < 0) return 'Unavailability duration is negative';
    for (const id of window.machine_ids) {
      const problem = machineProblem(id);
      if (problem !== null) return problem;
      const key = JSON.stringify(normalized(id));
      if (seen.has(key)) return `Machine '${key}' appears more than once in the schedule`;
      seen.add(key);
    }
  }
  return null;
}

/** POST /master/maintenance/schedule: the new schedule, stored before the answer. */
export function updateMaintenance(ctx: Ctx, schedule: MaintenanceScheduleJson): void {
  const windows = (schedule.windows ?? []).map((w) => ({ ...w, machine_ids: w.machine_ids.map(normalized) }));
  const problem = scheduleProblem(windows);
  if (problem !== null) return answer(ctx, 400, problem);
  ctx.s.maintenance = windows;
  persistRegistry(ctx);
  const machines = windows.reduce((n, w) => n + w.machine_ids.length, 0);
  log(ctx, `Updated the maintenance schedule: ${windows.length} windows, ${machines} machines`);
  answer(ctx, 200);
}

/** GET /master/maintenance/schedule. */
export function maintenanceSchedule(s: MasterState): MaintenanceScheduleJson {
  return s.maintenance.length === 0 ? {} : { windows: s.maintenance };
}

/** GET /master/maintenance/status: every scheduled machine is draining (none is down: nothing takes them down). */
export function maintenanceStatus(s: MasterState): MaintenanceStatusJson {
  const draining = s.maintenance.flatMap((w) => w.machine_ids.map((id) => ({ id })));
  return draining.length === 0 ? {} : { draining_machines: draining };
}
