// The endpoint table printed after a deployment: each task's host:port and the app's service ports, a service
// port the cluster's load balancer cannot serve marked as such and followed by why.
import { describe, expect, it } from 'vitest';
import type { AppInfoJson } from '../../../src/api/marathon.js';
import { endpointTable } from '../../../src/cli/marathon.js';

const APP: AppInfoJson = {
  id: '/nginx',
  instances: 1,
  version: '2024-01-01T00:00:00.000Z',
  tasks: [
    {
      id: 'nginx.instance-1._app.1',
      appId: '/nginx',
      host: '127.0.0.1',
      ports: [31000],
      servicePorts: [10000],
      state: 'TASK_RUNNING',
    },
  ],
};

describe('endpointTable', () => {
  it('prints the service ports the load balancer serves as addresses', () => {
    expect(endpointTable([APP]).split('\n')[1]).toMatch(/127\.0\.0\.1:31000\s+127\.0\.0\.1:10000$/);
  });

  it('never prints a service port that is not served as an address, and says why', () => {
    const reason = 'listen EADDRINUSE: address already in use 127.0.0.1:10000';
    const unserved = [
      { servicePort: 10000, appId: '/nginx', reason },
      { servicePort: 10001, appId: '/other', reason: 'not ours' },
    ];
    const lines = endpointTable([APP], unserved).split('\n');
    expect(lines[1]).toMatch(/127\.0\.0\.1:31000\s+10000 \(not served\)$/);
    expect(lines.slice(2)).toEqual(['', `service port 10000 of /nginx is not served: ${reason}`]);
  });
});
