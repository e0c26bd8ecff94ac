// oclif's own errors as the CLI's contract wants them: a parse error (missing argument, unknown flag, bad
// value) or an unknown command as one `error:` line, with the nearest command for a mistyped one. Pure.
import { Errors } from '@oclif/core';

/** The part of oclif's parse errors read here: RequiredArgsError carries the missing args. */
interface ParseErrorFields {
  parse?: unknown;
  args?: unknown;
}

/** Commands farther than this many edits from what was typed are not suggested. */
const MAX_SUGGESTION_EDITS = 2;
const HELP_HINT = 'See more help with --help';

/** One line for an oclif error of command `id` (`zk:ls`) while it reads its arguments, or null for any other error. */
export function usageErrorLine(err: unknown, id: string, bin: string): string | null {
  if (!(err instanceof Errors.CLIError) || err instanceof Errors.ExitError) return null;
  const help = `(see: ${bin} ${spaced(id)} --help)`;
  const missing = missingArgs(err as ParseErrorFields);
  if (missing !== null) return `${bin} ${spaced(id)} needs ${missing} ${help}`;
  const lines = stripAnsi(err.message)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== HELP_HINT && !/^The following errors? occurred:$/.test(line));
  return `${lowerFirst(lines.join('; ')).replace(/^parsing (--\S+); /, '$1: ')} ${help}`;
}

/** `COMPONENT: leader (the leading master), …`, or `APP and INSTANCES` when several are missing. */
function missingArgs(err: ParseErrorFields): string | null {
  if (!Array.isArray(err.args)) return null;
  const args = (err.args as { name?: string; description?: string }[]).filter((a) => a.name !== undefined);
  if (args.length === 0) return null;
  const names = args.map((a) => (a.name ?? '').toUpperCase());
  const only = args.length === 1 ? args[0] : undefined;
  return only?.description === undefined ? names.join(' and ') : `${names[0]}: ${only.description}`;
}

/**
 * One line for a command oclif does not know. oclif joins every word before the first flag into `id`
 * (`zk:lss:/`), so a known command followed by words is a command given arguments it does not take.
 */
export function unknownCommandLine(id: string, commandIds: readonly string[], bin: string): string {
  const typed = id.split(':');
  const known = commandIds.map((command) => command.split(':'));
  const given = known.find((words) => words.every((word, i) => typed[i] === word));
  if (given !== undefined)
    return `unexpected argument: ${typed.slice(given.length).join(' ')} (see: ${bin} ${given.join(' ')} --help)`;
  const unknown = typed.slice(0, unknownWords(typed, known));
  const nearest = known
    .map((words) => ({ words, edits: editDistance(unknown.join(' '), words.join(' ')) }))
    .filter((c) => c.edits <= MAX_SUGGESTION_EDITS)
    .sort((a, b) => a.edits - b.edits || a.words.join(' ').localeCompare(b.words.join(' ')))[0];
  const hint = nearest === undefined ? `see: ${bin} --help` : `did you mean "${bin} ${nearest.words.join(' ')}"?`;
  return `unknown command "${unknown.join(' ')}" (${hint})`;
}

/** How many typed words make up the unknown command: up to the first that no command's words go on with. */
function unknownWords(typed: readonly string[], known: readonly string[][]): number {
  const continues = (n: number): boolean =>
    known.some((words) => typed.slice(0, n).every((word, i) => words[i] === word));
  let n = 1;
  while (n < typed.length && continues(n)) n++;
  return n;
}

/** Levenshtein distance: the fewest one-character insertions, deletions and substitutions from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, (previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

function spaced(id: string): string {
  return id.replaceAll(':', ' ');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: oclif colours parts of its messages
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
