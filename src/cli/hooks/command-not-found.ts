// oclif's command_not_found hook: an unknown command is one `error:` line (with the nearest command, when
// one is close) and exit code 1, like every error a user can act on.
import type { Hook } from '@oclif/core';
import { unknownCommandLine } from '../usage-errors.js';

const hook: Hook.CommandNotFound = async ({ id, config }) => {
  process.stderr.write(`error: ${unknownCommandLine(id, config.commandIDs, config.bin)}\n`);
  process.exitCode = 1;
};

export default hook;
