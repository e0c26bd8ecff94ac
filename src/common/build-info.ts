// The build facts every master and agent reports (/version, /master/state, /slave(1)/state): the Mesos
// release they speak and this package's build (its name and version, and when it was built), read once.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Mesos release whose APIs masters and agents speak. */
export const MESOS_VERSION = '1.11.0';

/** Mesos's build fields, in the order it writes them. */
export interface BuildInfo {
  version: string;
  /** `YYYY-MM-DD hh:mm:ss` (UTC), as Mesos's build writes it. */
  build_date: string;
  /** Seconds since the epoch. */
  build_time: number;
  /** Who built it: this package, `minicluster 0.1.0`. */
  build_user: string;
}

function packageJson(): { name?: string; version?: string } {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as object;
  } catch {
    return {};
  }
}

/** The build's time: when this module was compiled into the package (its file's modification time). */
function builtAt(): number {
  return Math.floor(statSync(fileURLToPath(import.meta.url)).mtimeMs / 1000);
}

function buildInfo(): BuildInfo {
  const pkg = packageJson();
  const time = builtAt();
  return {
    version: MESOS_VERSION,
    build_date: new Date(time * 1000).toISOString().slice(0, 19).replace('T', ' '),
    build_time: time,
    build_user: `${pkg.name ?? 'minicluster'} ${pkg.version ?? ''}`.trim(),
  };
}

export const BUILD: BuildInfo = buildInfo();
