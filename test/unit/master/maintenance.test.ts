// The maintenance schedule in the leading master's core: validated as Mesos validates it, stored in the
// registry before the answer, read back by the next leading master; its machines are draining.
import { describe, expect, it } from 'vitest';
import type { MaintenanceWindowJson } from '../../../src/api/mesos.js';
import { maintenanceSchedule, maintenanceStatus } from '../../../src/master/core/maintenance.js';
import { MasterCore } from '../../../src/master/core/master.js';
import type { MasterOutput } from '../../../src/master/core/protocol.js';
import { Harness } from './harness.js';

const window = (machines: MaintenanceWindowJson['machine_ids'], duration = 3_600e9): MaintenanceWindowJson => ({
  machine_ids: machines,
  unavailability: { start: { nanoseconds: 1_700_000_000e9 }, duration: { nanoseconds: duration } },
});

function update(h: Harness, windows: MaintenanceWindowJson[]): MasterOutput[] {
  return h.send({ kind: 'updateMaintenance', schedule: { windows } });
}

const answerOf = (out: MasterOutput[]) => out.find((o) => o.kind === 'callAnswer');

describe('the maintenance schedule', () => {
  it('is stored in the registry before the answer, and its machines are draining', () => {
    const h = new Harness();
    const out = update(h, [window([{ hostname: 'A1.example' }]), window([{ ip: '10.0.0.2' }])]);
    const kinds = out.map((o) => o.kind);
    expect(kinds.indexOf('persistRegistry')).toBeLessThan(kinds.indexOf('callAnswer'));
    expect(answerOf(out)).toEqual({ kind: 'callAnswer', status: 200 });
    const registry = out.find((o) => o.kind === 'persistRegistry');
    expect(registry?.kind === 'persistRegistry' ? registry.registry.schedule : null).toEqual([
      window([{ hostname: 'a1.example' }]),
      window([{ ip: '10.0.0.2' }]),
    ]);
    const { state } = h.master.view();
    expect(maintenanceSchedule(state).windows).toHaveLength(2);
    expect(maintenanceStatus(state)).toEqual({
      draining_machines: [{ id: { hostname: 'a1.example' } }, { id: { ip: '10.0.0.2' } }],
    });
  });

  it("is read back from the registry by the next leading master; an empty one is Mesos's {}", () => {
    const h = new Harness();
    const out = update(h, [window([{ hostname: 'a1' }])]);
    const stored = out.find((o) => o.kind === 'persistRegistry');
    if (stored?.kind !== 'persistRegistry') throw new Error('no registry write');
    const next = new MasterCore({ ...h.master.view().options, registry: stored.registry, now: 1 });
    expect(maintenanceSchedule(next.view().state)).toEqual({ windows: [window([{ hostname: 'a1' }])] });
    update(h, []);
    expect(maintenanceSchedule(h.master.view().state)).toEqual({});
    expect(maintenanceStatus(h.master.view().state)).toEqual({});
  });

  it("refuses what Mesos refuses, in Mesos's words, and keeps the schedule it had", () => {
    const h = new Harness();
    update(h, [window([{ hostname: 'kept' }])]);
    const cases: [MaintenanceWindowJson[], string][] = [
      [[window([])], 'List of machines in the maintenance window is empty'],
      [[window([{}])], "Both 'hostname' and 'ip' for a machine are empty"],
      [[window([{ ip: '10.0.0.300' }])], "Failed to parse IP '10.0.0.300'"],
      [[window([{ hostname: 'a' }], -1)], 'Unavailability duration is negative'],
      [
        [window([{ hostname: 'a' }]), window([{ hostname: 'A' }])],
        `Machine '{"hostname":"a"}' appears more than once in the schedule`,
      ],
    ];
    for (const [windows, message] of cases) {
      const out = update(h, windows);
      expect(answerOf(out)).toEqual({ kind: 'callAnswer', status: 400, message });
      expect(out.some((o) => o.kind === 'persistRegistry')).toBe(false);
    }
    expect(maintenanceSchedule(h.master.view().state)).toEqual({ windows: [window([{ hostname: 'kept' }])] });
  });
});
