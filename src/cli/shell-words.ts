// The command line after `--` as one `sh -c` string: a single word is taken as written (it may be a
// whole shell command); several words are quoted where needed so each stays one word.

const PLAIN = /^[\w@%+=:,./-]+$/;

function quote(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(words: readonly string[]): string {
  return words.length === 1 ? (words[0] ?? '') : words.map(quote).join(' ');
}
