// The repository stands alone: no source, test or benchmark file reads a path beside it (such as a
// folder of notes next to the clone). The checker itself is tried on planted reads first.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as repo from '../helpers/repo.js';
import { findEscapes } from '../helpers/repo-boundary.js';

const { REPO_ROOT } = repo;
const SCANNED = ['src', 'test', 'bench', 'bin'];
const KNOWN = new Map(Object.entries(repo).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : codeFiles(full);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** What the checker says of a planted file at test/unit/x/planted.test.ts. */
function escapesOf(source: string): string[] {
  const file = path.join(REPO_ROOT, 'test', 'unit', 'x', 'planted.test.ts');
  return findEscapes({ root: REPO_ROOT, file, source, known: KNOWN }).map((e) => path.relative(REPO_ROOT, e.target));
}

describe('the repository boundary', () => {
  it('finds reads beside the repository however the path is built', () => {
    const planted = [
      "readFileSync(join(REPO_ROOT, '..', 'notes', 'mesos.md'));",
      "const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');\nconst dir = path.resolve(root, '../notes/captures');",
      "readdirSync('../notes');",
      "const file = new URL('../../../../notes/chronos.md', import.meta.url);",
      "existsSync(path.join(import.meta.dirname, '..', '..', '..', '..', 'notes'));",
      "const up = join(FIXTURES, '../../..');\nreadFileSync(join(up, 'notes', 'x.json'));",
    ];
    for (const source of planted) {
      expect(escapesOf(source), source).toContainEqual(expect.stringMatching(/^\.\.\//));
    }
  });

  it('lets paths inside the repository, and absolute paths of the machine, through', () => {
    const fine = [
      "readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'marathon', 'apps-create.json'));",
      "const here = path.dirname(fileURLToPath(import.meta.url));\nreaddirSync(path.resolve(here, '../../..', 'examples'));",
      "const zkCli = join('/usr/share/zookeeper', 'bin', 'zkCli.sh'); readFileSync('/etc/hostname');",
      "const group = { id: 'shop', dependencies: ['../db'] };",
      "readFileSync(join(dir, '..', '..', 'x'));",
      "const entry = new URL('../../dist/cli/index.js', import.meta.url);",
    ];
    for (const source of fine) expect(escapesOf(source), source).toEqual([]);
  });

  it('no file of src, test, bench or bin reaches outside the repository', () => {
    const files = SCANNED.flatMap((dir) => codeFiles(path.join(REPO_ROOT, dir)));
    expect(files.length).toBeGreaterThan(100);
    const escapes = files.flatMap((file) =>
      findEscapes({ root: REPO_ROOT, file, source: readFileSync(file, 'utf8'), known: KNOWN }),
    );
    expect(escapes.map((e) => `${e.file}:${e.line} ${e.code} → ${e.target}`)).toEqual([]);
  });
});
