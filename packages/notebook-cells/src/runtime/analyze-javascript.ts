import { type Node, type Options, parse } from 'acorn';
import { simple } from 'acorn-walk';
import { CellError } from './cell-error.js';

/** A JavaScript cell compiled for the runtime, in the style of Observable's vanilla-JS cells. */
export interface AnalyzedJavaScript {
  /** Names the cell reads but does not declare: other cells' outputs, builtins or globals. */
  inputs: string[];
  /** Names declared at the top level (`const`, `let`, `var`, `function`, `class`, `import`). */
  outputs: string[];
  /** Whether the cell ends with an expression, whose value is displayed. */
  hasDisplay: boolean;
  /** Body of an async function taking `inputs`, then `display`, `view` and `__import__`; it resolves to `{display, exports}`. */
  body: string;
}

const PARSE_OPTIONS: Options = { ecmaVersion: 'latest', sourceType: 'module', locations: true, allowAwaitOutsideFunction: true };

/** Names a cell may use without defining them; the cell runner passes them in itself. */
const CELL_LOCALS = new Set(['display', 'view', '__import__', 'arguments']);

// biome-ignore lint/suspicious/noExplicitAny: ESTree nodes are read field by field, as acorn produces them.
type EsNode = Record<string, any>;

interface Positioned {
  start: number;
  end: number;
}

/**
 * Finds what a cell defines and reads, and rewrites it into an async function body: imports become
 * dynamic imports, the last expression is captured for display, and the declarations are returned.
 * Names declared anywhere in the cell (also inside nested functions) are treated as the cell's own,
 * a simplification that can only hide an outer name the cell also shadows locally.
 */
export function analyzeJavaScript(source: string): AnalyzedJavaScript {
  let program: Node & { body: Node[] };
  try {
    program = parse(source, PARSE_OPTIONS) as Node & { body: Node[] };
  } catch (error) {
    throw syntaxError(error);
  }

  const outputs: string[] = [];
  const declared = new Set<string>();
  const referenced = new Set<string>();
  // `VariablePattern` is acorn-walk's pseudo-type for declared identifiers; its typings omit it.
  simple(program, {
    Identifier(node) {
      referenced.add((node as unknown as { name: string }).name);
    },
    VariablePattern(node: Node) {
      declared.add((node as unknown as { name: string }).name);
    },
    ImportSpecifier(node) {
      declared.add((node as unknown as { local: { name: string } }).local.name);
    },
    ImportDefaultSpecifier(node) {
      declared.add((node as unknown as { local: { name: string } }).local.name);
    },
    ImportNamespaceSpecifier(node) {
      declared.add((node as unknown as { local: { name: string } }).local.name);
    },
  } as Parameters<typeof simple>[1]);

  const edits: { start: number; end: number; text: string }[] = [];
  for (const statement of program.body) {
    const node = statement as Node & EsNode;
    switch (node.type) {
      case 'VariableDeclaration':
        for (const declarator of node.declarations) collectPatternNames(declarator.id, outputs);
        break;
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
        outputs.push(node.id.name);
        break;
      case 'ImportDeclaration':
        edits.push({ start: node.start, end: node.end, text: rewriteImport(node) });
        for (const specifier of node.specifiers) outputs.push(specifier.local.name);
        break;
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        throw new CellError('SyntaxError', 'Cells cannot export; top-level declarations are shared with other cells.', position(source, node.start));
    }
  }

  const last = program.body.at(-1) as (Node & { expression?: Positioned }) | undefined;
  const hasDisplay = last?.type === 'ExpressionStatement';
  if (hasDisplay && last?.expression) {
    edits.push({ start: last.start, end: last.end, text: `__display__ = (${source.slice(last.expression.start, last.expression.end)});` });
  }

  let body = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  const inputs = [...referenced].filter((name) => !declared.has(name) && !CELL_LOCALS.has(name));
  return {
    inputs,
    outputs,
    hasDisplay,
    body: `let __display__;\n${body}\n;return {display: __display__, exports: {${outputs.join(', ')}}};`,
  };
}

function collectPatternNames(pattern: EsNode | null, names: string[]): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      names.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties) collectPatternNames(property.type === 'RestElement' ? property.argument : property.value, names);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) collectPatternNames(element, names);
      break;
    case 'RestElement':
      collectPatternNames(pattern.argument, names);
      break;
    case 'AssignmentPattern':
      collectPatternNames(pattern.left, names);
      break;
  }
}

function rewriteImport(node: EsNode): string {
  const from = `await __import__(${JSON.stringify(node.source.value)})`;
  const named: string[] = [];
  const parts: string[] = [];
  for (const specifier of node.specifiers) {
    if (specifier.type === 'ImportNamespaceSpecifier') parts.push(`const ${specifier.local.name} = __module__;`);
    else if (specifier.type === 'ImportDefaultSpecifier') parts.push(`const ${specifier.local.name} = __module__.default;`);
    else {
      const imported = specifier.imported.type === 'Literal' ? JSON.stringify(specifier.imported.value) : specifier.imported.name;
      named.push(`${imported}: ${specifier.local.name}`);
    }
  }
  if (named.length) parts.push(`const {${named.join(', ')}} = __module__;`);
  // A block keeps `__module__` private while the consts stay top-level by declaring them outside it.
  const locals = node.specifiers.map((s: { local: { name: string } }) => s.local.name);
  if (locals.length === 0) return `${from};`;
  return `const [${locals.join(', ')}] = await (async () => { const __module__ = ${from}; ${parts.join(' ')} return [${locals.join(', ')}]; })();`;
}

function syntaxError(error: unknown): CellError {
  const loc = (error as { loc?: { line: number; column: number } }).loc;
  const message = error instanceof Error ? error.message.replace(/ \(\d+:\d+\)$/, '') : String(error);
  return new CellError('SyntaxError', message, loc ? { line: loc.line, column: loc.column } : undefined);
}

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length };
}
