// Placing queued tasks on an offer: first come first served, pinned agents, the lowest free ports,
// and the TaskInfo of a process or Docker task.
import { describe, expect, it } from 'vitest';
import { placeTasks, type QueuedTask } from '../../../src/api/offer-fit.js';
import { parseResourceText, resourcesToV1, resourcesFromV1 } from '../../../src/master/core/resources.js';
import type { Offer } from '../../../src/master/core/v1.js';

function offer(resources: string, agent = 'A-S0'): Offer {
  return {
    id: { value: 'M-O1' },
    framework_id: { value: 'M-0000' },
    agent_id: { value: agent },
    hostname: '127.0.0.1',
    resources: resourcesToV1(resourcesFromV1(parseResourceText(resources)), '*'),
    attributes: [],
    executor_ids: [],
    allocation_info: { role: '*' },
  };
}

const task = (id: string, over: Partial<QueuedTask['request']> = {}): QueuedTask => ({
  id,
  request: { name: id, command: 'sleep 1', cpus: 0.5, mem: 64, ...over },
});

describe('placeTasks', () => {
  it('takes queued tasks in order while they fit, skipping the ones that do not', () => {
    const placed = placeTasks(offer('cpus:1;mem:100'), [
      task('a'),
      task('big', { mem: 1000 }),
      task('b', { mem: 36 }),
      task('c'),
    ]);
    expect(placed.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('keeps pinned tasks for their agent', () => {
    expect(
      placeTasks(offer('cpus:1;mem:100', 'A-S1'), [task('a', { agentId: 'A-S0' }), task('b', { agentId: 'A-S1' })]).map(
        (p) => p.id,
      ),
    ).toEqual(['b']);
  });

  it('gives a process task the lowest free ports and a shell command, resources allocated to the offer role', () => {
    const [first, second] = placeTasks(offer('cpus:1;mem:200;ports:[31000-31000,31005-31010]'), [
      task('a', { ports: 2 }),
      task('b', { ports: 1 }),
    ]);
    expect(first?.ports).toEqual([31000, 31005]);
    expect(second?.ports).toEqual([31006]);
    expect(first?.info).toMatchObject({
      name: 'a',
      task_id: { value: 'a' },
      agent_id: { value: 'A-S0' },
      command: { value: 'sleep 1', shell: true },
    });
    expect(first?.info.container).toBeUndefined();
    expect(first?.info.resources.every((r) => r.allocation_info?.role === '*')).toBe(true);
    expect(first?.info.resources.find((r) => r.name === 'ports')?.ranges?.range).toEqual([
      { begin: 31000, end: 31000 },
      { begin: 31005, end: 31005 },
    ]);
  });

  it('maps a BRIDGE Docker task’s host ports to its container ports; an empty command runs the image’s own', () => {
    const docker = { image: 'busybox', network: 'BRIDGE' as const, containerPorts: [80] };
    const [web] = placeTasks(offer('cpus:1;mem:200;ports:[31500-31999]'), [
      task('web', { command: '', ports: 1, docker }),
    ]);
    expect(web?.info.command).toEqual({ shell: false });
    expect(web?.info.container).toEqual({
      type: 'DOCKER',
      docker: {
        image: 'busybox',
        network: 'BRIDGE',
        port_mappings: [{ host_port: 31500, container_port: 80, protocol: 'tcp' }],
        force_pull_image: false,
      },
    });
    expect(placeTasks(offer('cpus:1;mem:200'), [task('web', { ports: 1, docker })])).toEqual([]);
  });
});
