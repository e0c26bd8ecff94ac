// The words after `--` as the one shell command a task runs.
import { describe, expect, it } from 'vitest';
import { shellCommand } from '../../../src/cli/shell-words.js';

describe('shellCommand', () => {
  it('takes a single word as a whole shell command and quotes several words only where needed', () => {
    expect(shellCommand(['echo a && echo b'])).toBe('echo a && echo b');
    expect(shellCommand(['exit', '3'])).toBe('exit 3');
    expect(shellCommand(['echo', 'a b', "it's", '$HOME'])).toBe(`echo 'a b' 'it'\\''s' '$HOME'`);
    expect(shellCommand([])).toBe('');
  });
});
