// oclif's own errors through the compiled CLI keep the README's contract: one `error:` line on stderr, exit
// code 1, and the nearest command for a mistyped one. No cluster is started.
import { afterAll, describe, expect, it } from 'vitest';
import { CliHome } from './cli-helpers.js';

const home = new CliHome();

afterAll(() => home.cleanup());

async function failure(...args: string[]): Promise<string> {
  const result = await home.run(...args);
  expect(result.exitCode, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toHaveLength(1);
  return result.stderr;
}

describe('usage errors', () => {
  it('a missing argument names it and the help to read', async () => {
    expect(await failure('kill')).toMatch(/^error: minicluster kill needs COMPONENT: leader \(the leading master\), /);
  });

  it('an unknown flag and a value out of range are one line each', async () => {
    expect(await failure('up', '--bogus')).toBe('error: nonexistent flag: --bogus (see: minicluster up --help)');
    expect(await failure('up', '--masters', '-1')).toMatch(/^error: --masters: Expected an integer .* -1 \(see: /);
  });

  it('a mistyped command gets the nearest one', async () => {
    expect(await failure('stats')).toBe('error: unknown command "stats" (did you mean "minicluster status"?)');
    expect(await failure('zk', 'lss', '/')).toBe('error: unknown command "zk lss" (did you mean "minicluster zk ls"?)');
  });
});
