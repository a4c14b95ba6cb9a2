/** Markdown split at its `${…}` expressions: `text[0] ${expressions[0]} text[1] …`. */
export interface Interpolated {
  text: string[];
  expressions: string[];
}

/**
 * Splits Markdown at `${expression}` as Observable's Markdown cells do. Braces nest, and braces
 * inside quoted strings do not count. An unclosed `${` is left as text.
 */
export function splitInterpolations(source: string): Interpolated {
  const text: string[] = [];
  const expressions: string[] = [];
  let start = 0;
  let i = source.indexOf('${');
  while (i !== -1) {
    const end = closingBrace(source, i + 2);
    if (end === -1) break;
    text.push(source.slice(start, i));
    expressions.push(source.slice(i + 2, end));
    start = end + 1;
    i = source.indexOf('${', start);
  }
  text.push(source.slice(start));
  return { text, expressions };
}

function closingBrace(source: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** The Markdown with each expression replaced by its value as text (numbers to 6 significant digits). */
export function joinInterpolations({ text }: Interpolated, values: readonly unknown[]): string {
  return text.reduce((out, part, i) => out + part + (i < text.length - 1 ? valueText(values[i]) : ''), '');
}

function valueText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `[${Array.from(value as ArrayLike<unknown>, valueText).join(', ')}]`;
  return String(value);
}
