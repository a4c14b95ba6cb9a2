import { type Node, parse, parseExpressionAt } from 'acorn';
import { EngineError, type SourceSpan } from '../errors.js';

/** The parameter through which rewritten code reaches the operator runtime (see runtime.ts). */
export const RUNTIME_PARAM = '__wengert$';

/** A rewritten loss: the body of `function (Math, __wengert$) { … }` that returns the loss function. */
export interface RewrittenSource {
  body: string;
  /** Maps a 0-based offset in `body` back to the 0-based offset in the original source. */
  originalOffset(bodyOffset: number): number;
}

const BINARY: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '**': 'pow',
  '%': 'mod',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '==': 'eq',
  '!=': 'ne',
  '===': 'seq',
  '!==': 'sne',
};

const COMPOUND: Record<string, string> = {
  '+=': 'add',
  '-=': 'sub',
  '*=': 'mul',
  '/=': 'div',
  '**=': 'pow',
  '%=': 'mod',
};

const TEST_POSITIONS = new Set(['IfStatement', 'WhileStatement', 'DoWhileStatement', 'ForStatement', 'ConditionalExpression']);

// biome-ignore lint/suspicious/noExplicitAny: ESTree nodes are walked generically by key.
type AnyNode = Node & Record<string, any>;

const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'script', locations: true } as const;

/**
 * Rewrites plain JavaScript loss code so that every arithmetic operator, comparison, compound
 * assignment, increment and truthiness test goes through the runtime (`__wengert$.add(a, b)` …),
 * which differentiates through engine values and falls back to plain JS on anything else.
 * The source may be an expression (`x => …`, `function (x) { … }`) or a program whose last
 * statement is an expression or a function declaration: that is the loss.
 * Line breaks are kept, so lines in the rewritten body match the source.
 */
export function rewriteSource(source: string): RewrittenSource {
  const root = parseLoss(source);
  const out = new Emitter(source);
  if (root.kind === 'expression') {
    out.text('return (');
    renderNode(root.node, out);
    out.text(');');
  } else {
    const body = root.node.body as AnyNode[];
    const last = body.at(-1)!;
    if (last.type === 'ExpressionStatement') {
      out.copy(0, last.start, body.slice(0, -1));
      out.text('return (');
      renderNode(last.expression, out);
      out.text(');');
      out.verbatim(last.expression.end, source.length);
    } else if (last.type === 'FunctionDeclaration') {
      out.copy(0, source.length, body);
      out.text(`\nreturn ${last.id.name};`);
    } else {
      throw new EngineError(
        'compile-error',
        'The source must end with the loss: a function expression (x => …) or a function declaration.',
        { span: spanOf(last) },
      );
    }
  }
  return { body: out.result, originalOffset: (offset) => out.originalOffset(offset) };
}

type ParsedLoss = { kind: 'program'; node: AnyNode } | { kind: 'expression'; node: AnyNode };

function parseLoss(source: string): ParsedLoss {
  let program: AnyNode;
  try {
    program = parse(source, PARSE_OPTIONS) as AnyNode;
  } catch (programError) {
    // `function (x) { … }` is not a statement but is a fine loss expression.
    try {
      const expression = parseExpressionAt(source, 0, PARSE_OPTIONS) as AnyNode;
      if (/^[\s;]*$/.test(stripComments(source.slice(expression.end)))) return { kind: 'expression', node: checked(expression) };
    } catch {
      // report the program's error, which is the one the author expects
    }
    throw syntaxError(programError);
  }
  if (program.body.length === 0) throw new EngineError('compile-error', 'The source is empty: write a loss such as x => x[0] ** 2.', { span: { line: 1, column: 0 } });
  return { kind: 'program', node: checked(program) };
}

/** Rejects code that could reach the runtime parameter by name. */
function checked(root: AnyNode): AnyNode {
  const visit = (node: AnyNode) => {
    if (node.type === 'Identifier' && node.name.startsWith(RUNTIME_PARAM))
      throw new EngineError('compile-error', `Names starting with ${RUNTIME_PARAM} are reserved.`, { span: spanOf(node) });
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return root;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

function syntaxError(error: unknown): EngineError {
  const e = error as { message?: string; loc?: { line: number; column: number } };
  const message = String(e.message ?? error).replace(/ \(\d+:\d+\)$/, '');
  return new EngineError('syntax-error', message, e.loc ? { span: { line: e.loc.line, column: e.loc.column } } : {});
}

export function spanOf(node: AnyNode): SourceSpan {
  const loc = node.loc!; // parsed with locations: true
  return { line: loc.start.line, column: loc.start.column, endLine: loc.end.line, endColumn: loc.end.column };
}

/** The child nodes of any ESTree node, in source order, without overlaps (shorthand `{a}` has key === value). */
function childrenOf(node: AnyNode): AnyNode[] {
  const found: AnyNode[] = [];
  for (const key in node) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === 'string') found.push(item);
    } else if (value && typeof value === 'object' && typeof value.type === 'string') {
      found.push(value);
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const children: AnyNode[] = [];
  let end = -1;
  for (const child of found) {
    if (child.start < end) continue;
    children.push(child);
    end = child.end;
  }
  return children;
}

/** Scratch parameter of the inline arrows that update private fields; reserved like RUNTIME_PARAM. */
const TEMP = `${RUNTIME_PARAM}o`;

function isPrivateMember(node: AnyNode): boolean {
  return node.type === 'MemberExpression' && node.property.type === 'PrivateIdentifier';
}

function runtime(name: string): string {
  return `${RUNTIME_PARAM}.${name}(`;
}

/** Writes `node` into `out`, rewriting it if it is an operator, and recursing into children otherwise. */
function renderNode(node: AnyNode, out: Emitter): void {
  switch (node.type) {
    case 'BinaryExpression': {
      const fn = BINARY[node.operator];
      if (fn === undefined || node.left.type === 'PrivateIdentifier') break;
      out.text(runtime(fn));
      operand(node.left, out);
      out.separator(node.left.end, node.right.start);
      operand(node.right, out);
      out.text(')');
      return;
    }
    case 'UnaryExpression': {
      if (node.operator === '-' || node.operator === '+') {
        out.text(runtime(node.operator === '-' ? 'neg' : 'pos'));
        operand(node.argument, out);
        out.text(')');
        return;
      }
      if (node.operator === '!') {
        out.text(`!${runtime('truthy')}`);
        operand(node.argument, out);
        out.text(')');
        return;
      }
      break;
    }
    case 'AssignmentExpression': {
      const fn = COMPOUND[node.operator];
      if (fn === undefined) break;
      const target = node.left as AnyNode;
      if (target.type === 'Identifier') {
        out.text(`(${target.name} = ${runtime(fn)}${target.name}, `);
        out.keepLines(target.end, node.right.start);
        operand(node.right, out);
        out.text('))');
        return;
      }
      if (isPrivateMember(target)) {
        // Private fields are only reachable inside the class body: an inline arrow evaluates the object once.
        const field = `${TEMP}.#${target.property.name}`;
        out.text(`((${TEMP}) => (${field} = ${runtime(fn)}${field}, `);
        out.keepLines(target.end, node.right.start);
        operand(node.right, out);
        out.text(`)))(`);
        operand(target.object, out);
        out.text(')');
        return;
      }
      if (target.type === 'MemberExpression' && target.object.type !== 'Super') {
        out.text(runtime('update'));
        memberParts(target, out);
        out.text(`, '${fn}', `);
        out.keepLines(target.end, node.right.start);
        operand(node.right, out);
        out.text(', false)');
        return;
      }
      throw new EngineError('compile-error', `Compound assignment ${node.operator} to this target is not supported.`, { span: spanOf(node) });
    }
    case 'UpdateExpression': {
      const fn = node.operator === '++' ? 'inc' : 'dec';
      const target = node.argument as AnyNode;
      if (target.type === 'Identifier') {
        const name = target.name;
        // Postfix returns the old value: first(old, assignment) evaluates both, in order, and keeps the first.
        if (node.prefix) out.text(`(${name} = ${runtime(fn)}${name}))`);
        else out.text(`${runtime('first')}${name}, ${name} = ${runtime(fn)}${name}))`);
        return;
      }
      if (isPrivateMember(target)) {
        const field = `${TEMP}.#${target.property.name}`;
        const assign = `${field} = ${runtime(fn)}${field})`;
        out.text(node.prefix ? `((${TEMP}) => (${assign}))(` : `((${TEMP}) => ${runtime('first')}${field}, ${assign}))(`);
        operand(target.object, out);
        out.text(')');
        return;
      }
      if (target.type === 'MemberExpression' && target.object.type !== 'Super') {
        out.text(runtime('update'));
        memberParts(target, out);
        out.text(`, '${fn}', 0, ${node.prefix ? 'false' : 'true'})`);
        return;
      }
      throw new EngineError('compile-error', `${node.operator} on this target is not supported.`, { span: spanOf(node) });
    }
    case 'LogicalExpression': {
      // a && b, a || b: decide on the primal truthiness of a; b stays lazy in an arrow (same this/arguments).
      if ((node.operator !== '&&' && node.operator !== '||') || containsYieldOrAwait(node.right)) break;
      out.text(runtime(node.operator === '&&' ? 'and' : 'or'));
      operand(node.left, out);
      out.separator(node.left.end, node.right.start);
      out.text('() => (');
      renderNode(node.right, out);
      out.text('))');
      return;
    }
    case 'SwitchStatement':
      // `case 1:` compares with ===, which never matches a traced 1: switch on the primal value.
      renderWrapped(node, node.discriminant, 'caseValue', out);
      return;
    default:
      if (TEST_POSITIONS.has(node.type) && node.test) {
        renderWrapped(node, node.test, 'truthy', out);
        return;
      }
  }
  out.copy(node.start, node.end, childrenOf(node));
}

/**
 * Renders `node` with one child passed through a runtime function: the test of `if (t)`, `while (t)`,
 * `t ? a : b` through truthy() (a traced 0 is false), a switch's discriminant through caseValue().
 */
function renderWrapped(node: AnyNode, wrapped: AnyNode, fn: string, out: Emitter): void {
  let pos = node.start;
  for (const child of childrenOf(node)) {
    out.verbatim(pos, child.start);
    if (child === wrapped) {
      out.text(runtime(fn));
      operand(child, out);
      out.text(')');
    } else {
      renderNode(child, out);
    }
    pos = child.end;
  }
  out.verbatim(pos, node.end);
}

/** `yield` and `await` cannot move into an arrow function. */
function containsYieldOrAwait(node: AnyNode): boolean {
  if (node.type === 'YieldExpression' || node.type === 'AwaitExpression') return true;
  return childrenOf(node).some(containsYieldOrAwait);
}

/** `obj.key` or `obj[key]` as the two arguments `obj, key` of update(). */
function memberParts(member: AnyNode, out: Emitter): void {
  operand(member.object, out);
  out.text(', ');
  if (member.computed) operand(member.property, out);
  else out.text(JSON.stringify(member.property.name));
}

/** An operator's argument; comma expressions need their parentheses back. */
function operand(node: AnyNode, out: Emitter): void {
  const wrap = node.type === 'SequenceExpression';
  if (wrap) out.text('(');
  renderNode(node, out);
  if (wrap) out.text(')');
}

/** Builds the rewritten text and remembers where each verbatim piece came from (a tiny source map). */
class Emitter {
  result = '';
  private readonly segments: { generated: number; original: number; length: number }[] = [];

  constructor(private readonly source: string) {}

  text(text: string): void {
    this.result += text;
  }

  verbatim(start: number, end: number): void {
    if (end <= start) return;
    this.segments.push({ generated: this.result.length, original: start, length: end - start });
    this.result += this.source.slice(start, end);
  }

  /** Copies [start, end) of the source, rendering the given child nodes in place. */
  copy(start: number, end: number, children: AnyNode[]): void {
    let pos = start;
    for (const child of children) {
      this.verbatim(pos, child.start);
      renderNode(child, this);
      pos = child.end;
    }
    this.verbatim(pos, end);
  }

  /** The operator between two operands becomes a comma; its line breaks stay so lines still match. */
  separator(leftEnd: number, rightStart: number): void {
    this.text(',');
    this.keepLines(leftEnd, rightStart);
    this.text(' ');
  }

  keepLines(start: number, end: number): void {
    this.text(this.source.slice(start, end).replace(/[^\n]/g, ''));
  }

  originalOffset(generated: number): number {
    for (const s of this.segments) {
      if (generated < s.generated) return s.original; // inside synthesized text: the operand that follows
      if (generated < s.generated + s.length) return s.original + (generated - s.generated);
    }
    return this.source.length;
  }
}
