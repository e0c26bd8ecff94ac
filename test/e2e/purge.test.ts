// `down --purge` of a cluster whose supervisor was killed with SIGKILL (its agents went with it, their tasks
// did not): the container and the process groups they left are stopped and counted, and the directory goes.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TaskFramework, type TaskRequest } from '../../src/api/task-framework.js';
import { isAlive } from '../../src/cluster/cluster-file.js';
import { agentContainers, describeWithDocker, ensureTestImage, TEST_IMAGE } from '../helpers/docker-image.js';
import { waitUntil } from '../helpers/ensemble.js';
import { processGroupsUnder } from '../helpers/processes.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'purge';
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

await describeWithDocker('down --purge after the supervisor was killed', () => {
  beforeAll(() => ensureTestImage(), 120_000);

  it('stops the container and the process groups the agents left, says so, and deletes the directory', {
    timeout: 120_000,
  }, async () => {
    const s = await home.up(CLUSTER, '--masters', '1', '--schedulers', '0');
    const paths = home.paths(CLUSTER);
    const workDirs = s.agents.map((a) => paths.agentWorkDir(a.name));
    const framework = await TaskFramework.start({
      masters: s.masters.map((m) => m.url),
      name: 'e2e-purge',
      failoverTimeoutSeconds: 3600,
      subscribeTimeoutMs: 20_000,
    });
    const requests: TaskRequest[] = [
      ...s.agents.map((a) => ({
        name: `sleeper-${a.name}`,
        command: 'sleep 1000',
        cpus: 0.1,
        mem: 32,
        agentId: a.id ?? '',
      })),
      { name: 'web', command: 'httpd -f -p 80 -h /www', cpus: 0.1, mem: 32, docker: { image: TEST_IMAGE } },
    ];
    const tasks = requests.map((r) => framework.launch(r));
    await Promise.all(tasks.map((t) => t.waitFor('TASK_RUNNING')));
    await framework.close();
    expect(processGroupsUnder(paths.dir).size).toBe(2);
    expect(await agentContainers(workDirs)).toHaveLength(1);

    process.kill(s.supervisorPid, 'SIGKILL');
    await waitUntil('the supervisor to be gone', () => !isAlive(s.supervisorPid));
    expect(processGroupsUnder(paths.dir).size).toBe(2);
    expect(await home.ok('down', '--purge', '--name', CLUSTER)).toBe(
      [`cluster ${CLUSTER} is not running`, 'stopped 1 container and 2 process groups', `deleted ${paths.dir}`].join(
        '\n',
      ),
    );
    expect(existsSync(paths.dir)).toBe(false);
    expect(await agentContainers(workDirs)).toEqual([]);
    await waitUntil('every task process to be gone', () => processGroupsUnder(paths.dir).size === 0);
  });
});
