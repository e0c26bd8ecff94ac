// Four-letter words: the admin commands a client port answers when a connection's first four
// bytes spell one of them instead of a frame length.

export const FOUR_LETTER_WORDS = [
  'ruok',
  'srvr',
  'stat',
  'mntr',
  'conf',
  'cons',
  'crst',
  'srst',
  'envi',
  'isro',
  'wchs',
  'wchc',
  'wchp',
  'dirs',
  'dump',
  'gtmk',
  'stmk',
  'hash',
] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

const WORDS: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);

/** The command the first four bytes of a connection spell, or null (then they are a frame length). */
export function fourLetterWord(first4: Buffer): FourLetterWord | null {
  if (first4.length < 4) return null;
  const word = first4.toString('latin1', 0, 4);
  return WORDS.has(word) ? (word as FourLetterWord) : null;
}
