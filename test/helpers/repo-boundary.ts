// Finds the places in the project's own code that reach a path outside the repository: path expressions
// built from where a file is (import.meta.url, REPO_ROOT and the like, through join, resolve, dirname and
// new URL) that lead beyond the repository's root, and relative paths handed to the file system that do.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface Escape {
  /** The file, relative to the root. */
  file: string;
  line: number;
  /** The expression as written. */
  code: string;
  /** Where it leads. */
  target: string;
}

export interface BoundaryInput {
  /** The repository's root. */
  root: string;
  /** The file's absolute path. */
  file: string;
  source: string;
  /** Names imported from helpers whose value is a known absolute path (REPO_ROOT, FIXTURES, …). */
  known?: ReadonlyMap<string, string>;
}

/**
 * A path value: absolute, or relative (resolved against the working directory, the root, when used).
 * An absolute one is `anchored` when it was found from a place in the repository rather than written
 * out (like /usr/share/zookeeper), so leaving the repository through it is a mistake.
 */
type Absolute = { abs: string; anchored: boolean };
type PathValue = Absolute | { rel: string };

/** File-system calls whose first argument is a path that is read (or written). */
const FS_CALLS = new Set([
  'readFileSync',
  'readFile',
  'readdirSync',
  'readdir',
  'existsSync',
  'statSync',
  'stat',
  'lstatSync',
  'accessSync',
  'access',
  'openSync',
  'open',
  'createReadStream',
  'cpSync',
  'copyFileSync',
  'readlinkSync',
  'opendirSync',
]);

const PATH_CALLS = new Set(['join', 'resolve', 'dirname', 'fileURLToPath']);

class Evaluator {
  private readonly consts = new Map<string, ts.Expression>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly input: BoundaryInput,
    sourceFile: ts.SourceFile,
  ) {
    const collect = (node: ts.Node): void => {
      if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.Const) !== 0) {
        for (const decl of node.declarations) {
          if (ts.isIdentifier(decl.name) && decl.initializer !== undefined)
            this.consts.set(decl.name.text, decl.initializer);
        }
      }
      ts.forEachChild(node, collect);
    };
    collect(sourceFile);
  }

  value(node: ts.Expression): PathValue | undefined {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node))
      return this.value(node.expression);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return literal(node.text);
    if (ts.isIdentifier(node)) return this.identifier(node.text);
    if (ts.isPropertyAccessExpression(node)) return this.importMeta(node);
    if (ts.isCallExpression(node)) return this.call(node);
    if (ts.isNewExpression(node)) return this.url(node);
    return undefined;
  }

  private identifier(name: string): PathValue | undefined {
    if (name === '__dirname') return { abs: path.dirname(this.input.file), anchored: true };
    if (name === '__filename') return { abs: this.input.file, anchored: true };
    const known = this.input.known?.get(name);
    if (known !== undefined) return { abs: known, anchored: true };
    const init = this.consts.get(name);
    if (init === undefined || this.evaluating.has(name)) return undefined;
    this.evaluating.add(name);
    try {
      return this.value(init);
    } finally {
      this.evaluating.delete(name);
    }
  }

  private importMeta(node: ts.PropertyAccessExpression): PathValue | undefined {
    if (!ts.isMetaProperty(node.expression) || node.expression.keywordToken !== ts.SyntaxKind.ImportKeyword)
      return undefined;
    switch (node.name.text) {
      case 'url':
      case 'filename':
        return { abs: this.input.file, anchored: true };
      case 'dirname':
        return { abs: path.dirname(this.input.file), anchored: true };
      default:
        return undefined;
    }
  }

  private call(node: ts.CallExpression): PathValue | undefined {
    const name = calleeName(node);
    if (name === undefined || !PATH_CALLS.has(name)) return undefined;
    const args = node.arguments.map((arg) => this.value(arg));
    if (args.length === 0 || args.some((arg) => arg === undefined)) return undefined;
    const values = args as PathValue[];
    switch (name) {
      case 'fileURLToPath':
        return values[0];
      case 'dirname': {
        const first = values[0] as PathValue;
        return 'abs' in first ? { ...first, abs: path.dirname(first.abs) } : { rel: path.dirname(first.rel) };
      }
      case 'join': {
        const first = values[0] as PathValue;
        const joined = path.join(...values.map(text));
        return 'abs' in first ? { abs: joined, anchored: first.anchored } : { rel: joined };
      }
      default:
        return resolved(this.input.root, values);
    }
  }

  /** `new URL(relative, import.meta.url)`: relative to the base file's folder. */
  private url(node: ts.NewExpression): PathValue | undefined {
    if (!ts.isIdentifier(node.expression) || node.expression.text !== 'URL') return undefined;
    const [target, base] = (node.arguments ?? []).map((arg) => this.value(arg));
    if (target === undefined) return undefined;
    if ('abs' in target) return target;
    if (base === undefined || !('abs' in base)) return undefined;
    return { abs: path.resolve(path.dirname(base.abs), target.rel), anchored: base.anchored };
  }
}

/** `path.resolve` from the working directory (the root): anchored unless an absolute literal restarts it. */
function resolved(root: string, values: PathValue[]): Absolute {
  let current: Absolute = { abs: root, anchored: true };
  for (const value of values) {
    current = 'abs' in value ? value : { abs: path.resolve(current.abs, value.rel), anchored: current.anchored };
  }
  return current;
}

function literal(text: string): PathValue {
  if (text.startsWith('file://')) return { abs: fileURLToPath(text), anchored: false };
  return path.isAbsolute(text) ? { abs: text, anchored: false } : { rel: text };
}

function text(value: PathValue): string {
  return 'abs' in value ? value.abs : value.rel;
}

function calleeName(node: ts.CallExpression): string | undefined {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function inside(root: string, target: string): boolean {
  const fromRoot = path.relative(root, target);
  return fromRoot === '' || (!fromRoot.startsWith('..') && !path.isAbsolute(fromRoot));
}

/** Every path expression of one file that leads beside the repository. */
export function findEscapes(input: BoundaryInput): Escape[] {
  const kind = input.file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sourceFile = ts.createSourceFile(input.file, input.source, ts.ScriptTarget.Latest, true, kind);
  const evaluator = new Evaluator(input, sourceFile);
  const escapes: Escape[] = [];
  const report = (node: ts.Node, value: PathValue | undefined): void => {
    if (value === undefined) return;
    const target = 'abs' in value ? value : resolved(input.root, [value]);
    if (!target.anchored || inside(input.root, target.abs)) return;
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    escapes.push({ file: path.relative(input.root, input.file), line, code: node.getText(), target: target.abs });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const value = evaluator.value(node);
      if (value !== undefined && 'abs' in value) report(node, value);
      const name = ts.isCallExpression(node) ? calleeName(node) : undefined;
      const first = ts.isCallExpression(node) ? node.arguments[0] : undefined;
      if (name !== undefined && FS_CALLS.has(name) && first !== undefined) report(first, evaluator.value(first));
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return escapes;
}
