import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../src/repo-root.js';

/** Issue 11: no function in packages/*\/src spans more than this many lines. */
const MAX_LINES = 80;

/**
 * Functions allowed over the limit, as `<path from the repo root>#<name>`, each with its reason.
 * Keep docs/architecture.md ("Function size") in step with this list.
 */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map<string, string>([
]);

interface Measured {
  readonly key: string;
  readonly lines: number;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** A readable name: the declared one, the variable or property it is assigned to, or its enclosing function's. */
function nameOf(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  let name = ts.isConstructorDeclaration(node) ? 'constructor' : node.name?.getText(file);
  const parent = node.parent;
  if (name === undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    name = parent.name.getText(file);
  }
  if (name === undefined) {
    let up: ts.Node | undefined = parent;
    while (up !== undefined && !isFunctionLike(up)) up = up.parent;
    return up === undefined ? '<anonymous>' : `${nameOf(up, file)}/<anonymous>`;
  }
  const owner = ts.isClassLike(parent) && parent.name !== undefined ? `${parent.name.text}.` : '';
  return owner + name;
}

/** Every function-like node of one file with its line span; nested functions count on their own. */
function measure(name: string, text: string): Measured[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Measured[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) && node.body !== undefined) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ key: `${name}#${nameOf(node, file)}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function measureAll(): Measured[] {
  const root = repoRoot();
  const out: Measured[] = [];
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const src = join(root, 'packages', pkg, 'src');
    try {
      if (!statSync(src).isDirectory()) continue;
    } catch {
      continue;
    }
    for (const f of sources(src)) out.push(...measure(relative(root, f), readFileSync(f, 'utf8')));
  }
  return out;
}

/** `n` statements, one a line. */
function statements(n: number): string {
  return Array.from({ length: n }, (_, i) => `  void ${i};`).join('\n');
}

describe('function size', function () {
  const measured = measureAll();

  it('counts an outer function with the inner functions it holds, and each inner one on its own', () => {
    const text = `export function outer(): void {\n  const a = (): void => {\n${statements(40)}\n  };\n  function b(): void {\n${statements(40)}\n  }\n  a(); b();\n}\n`;
    const lines = new Map(measure('x.ts', text).map((m) => [m.key, m.lines]));
    expect(lines.get('x.ts#outer')).to.be.above(MAX_LINES);
    expect(lines.get('x.ts#a')).to.equal(42);
    expect(lines.get('x.ts#b')).to.equal(42);
  });

  it('measures methods, constructors, accessors, function expressions and callbacks', () => {
    const text = [
      'class C {', '  constructor() {', '  }', '  get v(): number {', '    return 1;', '  }', '  set v(x: number) {', '  }',
      '  #m(): void {', '  }', '}', 'const f = function (): void {', '};', '[1].map((x) => {', '  return x;', '});',
    ].join('\n');
    const keys = measure('x.ts', text).map((m) => m.key).sort();
    expect(keys).to.deep.equal(['x.ts#<anonymous>', 'x.ts#C.#m', 'x.ts#C.constructor', 'x.ts#C.v', 'x.ts#C.v', 'x.ts#f'].sort());
  });

  it('gives every exception a reason', () => {
    expect([...EXCEPTIONS].filter(([, reason]) => reason.trim().length === 0)).to.deep.equal([]);
  });

  it('measures the functions of every package under packages/', () => {
    const keys = measured.map((m) => m.key);
    expect(keys.some((k) => k.startsWith('packages/mirror/src/'))).to.equal(true);
    expect(keys.some((k) => k.startsWith('packages/server/src/'))).to.equal(true);
    expect(keys).to.include('packages/testkit/src/repo-root.ts#repoRoot');
  });

  it(`finds no function in packages/*/src over ${MAX_LINES} lines but the listed exceptions`, () => {
    const over = measured.filter((m) => m.lines > MAX_LINES && !EXCEPTIONS.has(m.key)).map((m) => `${m.key} (${m.lines} lines)`);
    expect(over).to.deep.equal([]);
  });

  it('lists as an exception only functions that exist and are over the limit', () => {
    const large = new Set(measured.filter((m) => m.lines > MAX_LINES).map((m) => m.key));
    expect([...EXCEPTIONS.keys()].filter((k) => !large.has(k))).to.deep.equal([]);
  });
});
