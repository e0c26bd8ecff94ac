// The `label` filter of GET /v2/apps: `k`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, joined by
// commas (AND); a backslash escapes any character in a key or value. Parsing and matching, pure.

export type LabelTerm =
  | { op: 'exists'; key: string }
  | { op: '==' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

export type LabelSelector = LabelTerm[];

export type ParsedSelector = { ok: true; selector: LabelSelector } | { ok: false; message: string };

type Token = { kind: 'word'; text: string } | { kind: 'punct'; text: '==' | '!=' | ',' | '(' | ')' };

const WORD = /^[-A-Za-z0-9_.]$/;

export function parseLabelSelector(text: string): ParsedSelector {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return failure(text, tokens);
  const parser = new Parser(tokens);
  const selector: LabelTerm[] = [];
  do {
    const term = parser.term();
    if (typeof term === 'string') return failure(text, term);
    selector.push(term);
  } while (parser.take(','));
  return parser.done() ? { ok: true, selector } : failure(text, 'unexpected input after the last term');
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string>): boolean {
  return selector.every((term) => matchesTerm(term, labels));
}

function matchesTerm(term: LabelTerm, labels: Record<string, string>): boolean {
  if (!Object.hasOwn(labels, term.key)) return false;
  const value = labels[term.key] ?? '';
  switch (term.op) {
    case 'exists':
      return true;
    case '==':
      return value === term.value;
    case '!=':
      return value !== term.value;
    case 'in':
      return term.values.includes(value);
    case 'notin':
      return !term.values.includes(value);
  }
}

function failure(text: string, reason: string): ParsedSelector {
  return { ok: false, message: `Can not parse label selector ${text}. Reason: ${reason}` };
}

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let word = '';
  const flush = (): void => {
    if (word !== '') tokens.push({ kind: 'word', text: word });
    word = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const pair = text.slice(i, i + 2);
    if (c === '\\') {
      if (i + 1 >= text.length) return 'a backslash must escape a character';
      word += text[++i];
    } else if (WORD.test(c)) {
      word += c;
    } else if (pair === '==' || pair === '!=') {
      flush();
      tokens.push({ kind: 'punct', text: pair });
      i++;
    } else if (c === ',' || c === '(' || c === ')') {
      flush();
      tokens.push({ kind: 'punct', text: c });
    } else if (c === ' ') {
      flush();
    } else {
      return `unexpected character '${c}'`;
    }
  }
  flush();
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  term(): LabelTerm | string {
    const key = this.word();
    if (key === undefined) return 'expected a label key';
    if (this.take('==') || this.take('!=')) return this.equality(key);
    const op = this.peekWord();
    if (op === 'in' || op === 'notin') {
      this.at++;
      return this.set(key, op);
    }
    return { op: 'exists', key };
  }

  take(text: Token['text']): boolean {
    const token = this.tokens[this.at];
    if (token?.kind !== 'punct' || token.text !== text) return false;
    this.at++;
    return true;
  }

  done(): boolean {
    return this.at === this.tokens.length;
  }

  private equality(key: string): LabelTerm | string {
    const op = this.tokens[this.at - 1]?.text === '==' ? '==' : '!=';
    const value = this.word();
    return value === undefined ? `expected a value after ${key}${op}` : { op, key, value };
  }

  private set(key: string, op: 'in' | 'notin'): LabelTerm | string {
    if (!this.take('(')) return `expected '(' after ${key} ${op}`;
    const values: string[] = [];
    do {
      const value = this.word();
      if (value === undefined) return `expected a value in the set of ${key}`;
      values.push(value);
    } while (this.take(','));
    return this.take(')') ? { op, key, values } : `expected ')' to close the set of ${key}`;
  }

  private word(): string | undefined {
    const text = this.peekWord();
    if (text !== undefined) this.at++;
    return text;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.at];
    return token?.kind === 'word' ? token.text : undefined;
  }
}
