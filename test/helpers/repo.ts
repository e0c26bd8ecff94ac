// Where the repository is, and the fixtures inside it: tests read nothing from outside the repository
// (test/unit/repo-boundary.test.ts holds them to it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this file with a package.json (also right when compiled elsewhere). */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** test/fixtures: captures from the real systems and example inputs of our own. */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** Bytes and four-letter-word answers captured from a real ZooKeeper 3.8 server. */
export const ZK_GOLDEN = join(FIXTURES, 'zk-golden');
