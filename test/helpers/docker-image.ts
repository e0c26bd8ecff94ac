// Docker for tests: a suite wrapper that skips with the reason when no engine answers (fails instead under
// MINICLUSTER_REQUIRE_DOCKER=1), the local busybox-static test image (`docker import`, no registry) and the
// tutorials' images it stands in for, and what an agent's containers hold.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { describeRequiring } from './requirement.js';

export const DOCKER_SWITCH = 'MINICLUSTER_REQUIRE_DOCKER';
export const TEST_IMAGE = 'minicluster-test/busybox:latest';
/** The busybox binary the image is made of. */
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'httpd', 'sleep', 'echo', 'cat', 'ls', 'env', 'trap', 'kill', 'true', 'false', 'date'];
/** What the image's httpd serves from /www. */
export const TEST_PAGE = 'hello from minicluster\n';

export type DockerProbe = { ok: true } | { ok: false; reason: string };

export async function probeDocker(): Promise<DockerProbe> {
  try {
    await new Docker().ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * A describe() that needs Docker: skipped with a message saying why when no engine answers,
 * except under MINICLUSTER_REQUIRE_DOCKER=1, where it fails instead.
 */
export async function describeWithDocker(name: string, body: () => void): Promise<void> {
  const probe = await probeDocker();
  const missing = probe.ok ? null : `no Docker engine is reachable (${probe.reason})`;
  describeRequiring({ switch: DOCKER_SWITCH, missing }, name, body);
}

/** The tutorials' image name; without a registry, the test image stands in for it, serving TEST_PAGE on port 80. */
export const NGINX_IMAGE = 'nginx:latest';
const NGINX_CHANGES = [
  'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]',
  'EXPOSE 80/tcp',
  'LABEL minicluster.test-image=busybox-httpd',
];

/** Imports TEST_IMAGE unless it exists already; resolves to its name. */
export function ensureTestImage(): Promise<string> {
  return ensureImage(TEST_IMAGE, []);
}

/**
 * An `nginx` image for the tutorials' app definitions: a real one if the engine has it, else the
 * busybox test image tagged `nginx:latest` with httpd as its command (it serves TEST_PAGE on port 80).
 */
export async function ensureNginxImage(): Promise<{ image: string; page: string | null }> {
  await ensureImage(NGINX_IMAGE, NGINX_CHANGES);
  const info = await new Docker().getImage(NGINX_IMAGE).inspect();
  return { image: NGINX_IMAGE, page: info.Config?.Labels?.['minicluster.test-image'] === undefined ? null : TEST_PAGE };
}

/** The label an agent puts on its containers: its work dir. */
const WORK_DIR_LABEL = 'minicluster.work_dir';

/** Ids of the containers, running or not, started by the agents with these work dirs. */
export async function agentContainers(workDirs: readonly string[]): Promise<string[]> {
  const listed = await new Docker().listContainers({ all: true, filters: { label: [WORK_DIR_LABEL] } });
  return listed.filter((c) => workDirs.includes(c.Labels[WORK_DIR_LABEL] ?? '')).map((c) => c.Id);
}

/** The environment (`K=V` entries) of the container an agent runs a task in. */
export async function taskContainerEnv(taskId: string): Promise<string[]> {
  const docker = new Docker();
  const [container] = await docker.listContainers({ filters: { label: [`minicluster.task=${taskId}`] } });
  if (container === undefined) throw new Error(`no running container of task ${taskId}`);
  return (await docker.getContainer(container.Id).inspect()).Config.Env ?? [];
}

/** The 0.6-era tutorial's image (ubuntu.json names `docker:///libmesos/ubuntu`). */
const UBUNTU_IMAGE = 'libmesos/ubuntu:latest';

/** An image for ubuntu.json: a real one if the engine has it, else the busybox test image tagged `libmesos/ubuntu:latest`. */
export function ensureUbuntuImage(): Promise<string> {
  return ensureImage(UBUNTU_IMAGE, ['CMD ["sh"]', 'LABEL minicluster.test-image=busybox']);
}

async function ensureImage(name: string, changes: readonly string[]): Promise<string> {
  const docker = new Docker();
  try {
    await docker.getImage(name).inspect();
    return name;
  } catch {
    // Not there yet: build it below.
  }
  const root = mkdtempSync(join(tmpdir(), 'minicluster-image-'));
  try {
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'www'));
    mkdirSync(join(root, 'tmp'), { mode: 0o1777 });
    cpSync(BUSYBOX, join(root, 'bin', 'busybox'));
    for (const applet of APPLETS) symlinkSync('busybox', join(root, 'bin', applet));
    writeFileSync(join(root, 'www', 'index.html'), TEST_PAGE);
    const tarFile = `${root}.tar`;
    await execa('tar', ['-C', root, '-cf', tarFile, '.']);
    const [repo = '', tag = ''] = name.split(':');
    const progress = await docker.importImage(tarFile, {
      repo,
      tag,
      ...(changes.length === 0 ? {} : { changes: [...changes] }),
    });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(progress, (err: Error | null) => (err === null ? resolve() : reject(err))),
    );
    rmSync(tarFile, { force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return name;
}
