// Marathon's error answers in words people read, shared by the CLI (through src/api), the dashboard and the
// Marathon UI: validation keys (`error.pattern`, `error.min`, …) with the rule they stand for, the 409 lock naming
// its deployments and how to force, and where a JSON text stops parsing. Pure: no DOM, no Node.

/** One violation as a person reads it, with the path it is about. */
export interface ReadableDetail {
  path: string;
  text: string;
}

export interface ReadableError {
  message: string;
  details: ReadableDetail[];
}

/** What a field of an app (or group) definition must be, as Marathon's readers check it. */
interface Rule {
  /** The path's end, array indices as `(*)`: `/cpus`, `/healthChecks(*)/timeoutSeconds`. */
  suffix: string;
  pattern?: string;
  /** Where the pattern applies, when not to the whole value. */
  patternScope?: string;
  min?: number;
  max?: number;
  maxLength?: number;
  oneOf?: readonly string[];
}

/** Marathon's PathId segment (each part of an id between slashes), and the port names and executors it takes. */
const PATH_SEGMENT =
  '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$';
const PORT_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const EXECUTOR = '^(//cmd)|(/?[^/]+(/[^/]+)*)|$';
/** Marathon's limits the scheduler checks (src/common/limits.ts; a unit test keeps the two in step). */
const MAX_ID_LENGTH = 200;
const MAX_URI_LENGTH = 1024;
const MAX_NETWORK_NAME_LENGTH = 63;
const MAX_STRING_LENGTH = 16 * 1024;
const PORT = { min: 0, max: 65535 };
const PATH_ID = { pattern: PATH_SEGMENT, patternScope: 'in each part between slashes' };

const RULES: readonly Rule[] = [
  { suffix: '/id', ...PATH_ID, maxLength: MAX_ID_LENGTH },
  { suffix: '/dependencies(*)', ...PATH_ID, maxLength: MAX_ID_LENGTH },
  { suffix: '/dependencies', maxLength: MAX_ID_LENGTH },
  { suffix: '/executor', pattern: EXECUTOR },
  { suffix: '/name', pattern: PORT_NAME },
  { suffix: '/portName', pattern: PORT_NAME },
  { suffix: '/networks(*)/name', maxLength: MAX_NETWORK_NAME_LENGTH },
  { suffix: '/cpus', min: 0.001 },
  ...['/mem', '/disk', '/gpus', '/instances', '/backoffSeconds', '/maxLaunchDelaySeconds'].map((suffix) => ({
    suffix,
    min: 0,
  })),
  ...['/taskKillGracePeriodSeconds', '/inactiveAfterSeconds', '/expungeAfterSeconds', '/portIndex'].map((suffix) => ({
    suffix,
    min: 0,
  })),
  { suffix: '/backoffFactor', min: 1 },
  ...['/port', '/containerPort', '/hostPort', '/servicePort', '/ports(*)'].map((suffix) => ({ suffix, ...PORT })),
  ...['/gracePeriodSeconds', '/intervalSeconds', '/timeoutSeconds', '/delaySeconds', '/maxConsecutiveFailures'].map(
    (suffix) => ({ suffix, min: 0 }),
  ),
  { suffix: '/readinessChecks(*)/timeoutSeconds', min: 1 },
  { suffix: '/httpStatusCodesForReady(*)', min: 100, max: 999 },
  { suffix: '/uri', maxLength: MAX_URI_LENGTH },
  { suffix: '/destPath', maxLength: MAX_URI_LENGTH },
  { suffix: '/readinessChecks(*)/path', maxLength: MAX_URI_LENGTH },
  { suffix: '/killSelection', oneOf: ['YOUNGEST_FIRST', 'OLDEST_FIRST'] },
  { suffix: '/protocol', oneOf: ['tcp', 'udp', 'udp,tcp'] },
  {
    suffix: '/healthChecks(*)/protocol',
    oneOf: ['HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'],
  },
  { suffix: '/readinessChecks(*)/protocol', oneOf: ['HTTP', 'HTTPS'] },
  { suffix: '/container/type', oneOf: ['DOCKER', 'MESOS'] },
  { suffix: '/container/docker/network', oneOf: ['BRIDGE', 'HOST', 'USER'] },
  { suffix: '/networks(*)/mode', oneOf: ['host', 'container/bridge', 'container'] },
  { suffix: '/volumes(*)/mode', oneOf: ['RO', 'RW'] },
  { suffix: '/unreachableStrategy', oneOf: ['disabled'] },
];

/** What the type errors ask for. */
const EXPECTED: Record<string, string> = {
  'error.expected.jsnumber': 'a number',
  'error.expected.jsstring': 'a string',
  'error.expected.jsarray': 'an array',
  'error.expected.jsobject': 'an object',
  'error.expected.jsboolean': 'true or false',
  'error.expected.int': 'a whole number',
};

/** `/portDefinitions(0)/name` → `portDefinitions[0].name`; `/` (the whole definition) → ``. */
export function fieldName(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/\((\d+)\)/g, '[$1]')
    .replaceAll('/', '.');
}

/** The rule whose suffix ends the path, the longest when several do. */
function ruleFor(path: string): Rule | undefined {
  const shape = path.replace(/\(\d+\)/g, '(*)');
  return RULES.filter((r) => shape.endsWith(r.suffix)).sort((a, b) => b.suffix.length - a.suffix.length)[0];
}

/** One error of Marathon's `details[{path, errors}]` in words: "cpus must be at least 0.001", "id must match ^…$". */
export function violationText(path: string, error: string): string {
  const field = fieldName(path) || 'the definition';
  const rule = ruleFor(path);
  const expected = EXPECTED[error];
  if (expected !== undefined) return `${field} must be ${expected}`;
  switch (error) {
    case 'error.path.missing':
      return `${field} is required`;
    case 'error.minLength':
      return `${field} must not be empty`;
    case 'error.pattern':
      if (rule?.pattern === undefined) return `${field} is not in the form it takes`;
      return `${field} must match ${rule.pattern}${rule.patternScope === undefined ? '' : ` ${rule.patternScope}`}`;
    case 'error.min':
      return rule?.min === undefined ? `${field} is too small` : `${field} must be at least ${rule.min}`;
    case 'error.max':
      return rule?.max === undefined ? `${field} is too large` : `${field} must be at most ${rule.max}`;
    case 'error.maxLength':
      return `${field} must be at most ${rule?.maxLength ?? MAX_STRING_LENGTH} characters long`;
    case 'error.unknown.enum.literal':
      return rule?.oneOf === undefined
        ? `${field} is not a value it takes`
        : `${field} must be one of ${rule.oneOf.join(', ')}`;
    default:
      return semanticText(path, error);
  }
}

/** Marathon's semantic messages are words already: they only get the field they are about. */
function semanticText(path: string, error: string): string {
  const field = fieldName(path);
  if (field === '') return error;
  return /^[a-z]/.test(error) ? `${field} ${error}` : `${field}: ${error}`;
}

const LOCKED = 'App is locked by one or more deployments';

/**
 * Marathon's error body in words. `force` names how to override a deployment lock where the words are read
 * (`--force` in the CLI, the Force button in the UI); the lock's `<DEPLOYMENT_ID>` becomes the deployments' ids.
 */
export function readableError(body: unknown, o: { force: string }): ReadableError {
  if (typeof body !== 'object' || body === null) return { message: String(body), details: [] };
  const { message, details, deployments } = body as { message?: unknown; details?: unknown; deployments?: unknown };
  const text = typeof message === 'string' ? message : JSON.stringify(body);
  if (text.startsWith(LOCKED)) return { message: lockText(text, deploymentIds(deployments), o.force), details: [] };
  if (typeof details === 'string') return { message: text, details: [{ path: '', text: details }] };
  return { message: text, details: Array.isArray(details) ? details.flatMap(detailTexts) : [] };
}

function detailTexts(detail: unknown): ReadableDetail[] {
  const { path, errors } = (detail ?? {}) as { path?: unknown; errors?: unknown };
  const at = typeof path === 'string' ? path : '/';
  return (Array.isArray(errors) ? errors : []).map((e: unknown) => ({ path: at, text: violationText(at, String(e)) }));
}

function deploymentIds(deployments: unknown): string[] {
  const list = Array.isArray(deployments) ? (deployments as { id?: unknown }[]) : [];
  return list.flatMap((d) => (typeof d?.id === 'string' ? [d.id] : []));
}

function lockText(message: string, ids: readonly string[], force: string): string {
  const where = ids.length === 0 ? "'/v2/deployments'" : ids.map((id) => `'/v2/deployments/${id}'`).join(', ');
  return message.replace("the option '?force=true'", force).replace("'/v2/deployments/<DEPLOYMENT_ID>'", where);
}

/** Where a JSON text stops parsing, `line 3, column 5: expected ',' or '}', found '"'`; null when it is JSON. */
export function jsonSyntaxError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const found = new JsonScanner(text).firstError();
    if (found === null) return err instanceof Error ? err.message : String(err);
    const before = text.slice(0, found.at);
    const line = before.split('\n').length;
    const column = found.at - before.lastIndexOf('\n');
    return `line ${line}, column ${column}: ${found.message}`;
  }
}

/** Nesting the scanner follows before it gives up on a position (JSON.parse has said the text is no JSON). */
const MAX_SCAN_DEPTH = 512;

class JsonSyntaxAt {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

/** A JSON reader that only finds the offset of the first mistake (JSON.parse does not say where in every engine). */
class JsonScanner {
  private i = 0;

  constructor(private readonly t: string) {}

  firstError(): JsonSyntaxAt | null {
    try {
      this.value(0);
      this.space();
      if (this.i < this.t.length) this.fail('the end');
      return null;
    } catch (err) {
      return err instanceof JsonSyntaxAt ? err : null;
    }
  }

  private value(depth: number): void {
    if (depth > MAX_SCAN_DEPTH) throw new Error('nested too deep to say where');
    this.space();
    const c = this.t[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.t.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail('a value');
  }

  private object(depth: number): void {
    this.i++;
    this.space();
    if (this.t[this.i] === '}') return void this.i++;
    for (;;) {
      this.space();
      if (this.t[this.i] !== '"') this.fail('a "key" in quotes');
      this.string();
      this.space();
      if (this.t[this.i] !== ':') this.fail("':'");
      this.i++;
      this.value(depth + 1);
      if (this.endOf('}')) return;
    }
  }

  private array(depth: number): void {
    this.i++;
    this.space();
    if (this.t[this.i] === ']') return void this.i++;
    for (;;) {
      this.value(depth + 1);
      if (this.endOf(']')) return;
    }
  }

  /** After a member: true at the closing bracket, false after a comma; anything else is a mistake. */
  private endOf(close: string): boolean {
    this.space();
    const c = this.t[this.i];
    if (c !== ',' && c !== close) this.fail(`',' or '${close}'`);
    this.i++;
    return c === close;
  }

  private string(): void {
    this.i++;
    while (this.i < this.t.length) {
      const c = this.t[this.i] ?? '';
      if (c === '"') return void this.i++;
      if (c < ' ') this.fail("'\"' before the line ends");
      if (c === '\\') {
        const escaped = /^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(this.t.slice(this.i + 1, this.i + 6));
        this.i++;
        if (escaped === null) this.fail('an escape such as \\n or \\u0041');
        this.i += escaped?.[0].length ?? 0;
        continue;
      }
      this.i++;
    }
    this.fail("a closing '\"'");
  }

  private number(): void {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.i;
    if (match.exec(this.t) === null) this.fail('a number');
    this.i = match.lastIndex;
  }

  private space(): void {
    while (' \t\n\r'.includes(this.t[this.i] ?? 'x')) this.i++;
  }

  private fail(expected: string): never {
    const c = this.t[this.i];
    throw new JsonSyntaxAt(this.i, `expected ${expected}, found ${c === undefined ? 'the end' : `'${c}'`}`);
  }
}
