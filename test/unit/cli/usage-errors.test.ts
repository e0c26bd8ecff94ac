// oclif's errors as one `error:` line: the real parser's errors for a missing argument, an unknown flag and
// a bad value, and unknown commands with the nearest command suggested.
import { Args, Errors, Flags, Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { editDistance, unknownCommandLine, usageErrorLine } from '../../../src/cli/usage-errors.js';

const COMMANDS = ['up', 'down', 'status', 'start', 'scale', 'kill', 'zk:ls', 'zk:get', 'apps:list', 'tasks:kill'];

async function parseError(argv: string[]): Promise<unknown> {
  const args = {
    app: Args.string({ description: 'app id', required: true }),
    instances: Args.string({ description: 'instances wanted', required: true }),
  };
  const flags = {
    masters: Flags.integer({ min: 0 }),
    profile: Flags.string({ options: ['demo', 'realistic'] }),
  };
  return Parser.parse(argv, { args, flags }).then(
    () => null,
    (err: unknown) => err,
  );
}

describe('usageErrorLine', () => {
  it('names the missing arguments and the help to read', async () => {
    expect(usageErrorLine(await parseError([]), 'scale', 'minicluster')).toBe(
      'minicluster scale needs APP and INSTANCES (see: minicluster scale --help)',
    );
  });

  it('quotes the one missing argument with its description', async () => {
    const err = await Parser.parse([], { args: { path: Args.string({ description: 'znode path', required: true }) } })
      .then(() => null)
      .catch((e: unknown) => e);
    expect(usageErrorLine(err, 'zk:create', 'minicluster')).toBe(
      'minicluster zk create needs PATH: znode path (see: minicluster zk create --help)',
    );
  });

  it('puts an unknown flag, a value out of its options and one out of range on one line', async () => {
    const lines = await Promise.all(
      [
        ['a', '1', '--bogus'],
        ['a', '1', '--profile', 'x'],
        ['a', '1', '--masters', '-1'],
      ].map(async (argv) => usageErrorLine(await parseError(argv), 'up', 'minicluster')),
    );
    expect(lines).toEqual([
      'nonexistent flag: --bogus (see: minicluster up --help)',
      'expected --profile=x to be one of: demo, realistic (see: minicluster up --help)',
      '--masters: Expected an integer greater than or equal to 0 but received: -1 (see: minicluster up --help)',
    ]);
    for (const line of lines) expect(line).not.toContain('\n');
  });

  it('leaves other errors, and an exit, to the caller', () => {
    expect(usageErrorLine(new Error('boom'), 'up', 'minicluster')).toBeNull();
    expect(usageErrorLine(new Errors.ExitError(2), 'up', 'minicluster')).toBeNull();
  });
});

describe('unknownCommandLine', () => {
  it('suggests the nearest command for a mistyped one, without the arguments that follow it', () => {
    expect(unknownCommandLine('stats', COMMANDS, 'minicluster')).toBe(
      'unknown command "stats" (did you mean "minicluster status"?)',
    );
    expect(unknownCommandLine('sclae:nginx:3', COMMANDS, 'minicluster')).toBe(
      'unknown command "sclae" (did you mean "minicluster scale"?)',
    );
    expect(unknownCommandLine('zk:lss:/', COMMANDS, 'minicluster')).toBe(
      'unknown command "zk lss" (did you mean "minicluster zk ls"?)',
    );
  });

  it('points at the help when nothing is close', () => {
    expect(unknownCommandLine('frobnicate', COMMANDS, 'minicluster')).toBe(
      'unknown command "frobnicate" (see: minicluster --help)',
    );
  });

  it('calls words after a known command arguments it does not take', () => {
    expect(unknownCommandLine('status:extra', COMMANDS, 'minicluster')).toBe(
      'unexpected argument: extra (see: minicluster status --help)',
    );
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('stats', 'status')).toBe(1);
    expect(editDistance('sclae', 'scale')).toBe(2);
    expect(editDistance('', 'up')).toBe(2);
    expect(editDistance('kill', 'kill')).toBe(0);
  });
});
