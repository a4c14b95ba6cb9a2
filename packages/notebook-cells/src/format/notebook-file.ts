/**
 * The Observable Notebook Kit HTML format, read and written without a DOM so it works in Node too:
 *
 * ```html
 * <!doctype html>
 * <notebook theme="air">
 *   <title>Descent</title>
 *   <script id="1" type="text/markdown">
 *     # Hello
 *   </script>
 * </notebook>
 * ```
 *
 * One `<script>` per cell in visual order, source only, bodies indented by four spaces, `</script`
 * escaped as `<\/script`. Files written by notebook-kit parse here, and files written here open there.
 */

/** The `type` values of the cell kinds this package knows. Unknown types are kept as they are. */
export const CELL_TYPES = {
  markdown: 'text/markdown',
  javascript: 'module',
  loss: 'application/vnd.wengert.loss+javascript',
  descent: 'application/vnd.wengert.descent+json',
  plot: 'application/vnd.wengert.plot+json',
} as const;

export interface NotebookCellSpec {
  /** Stable positive integer, unique in the notebook. */
  id: number;
  /** The cell mode: `module`, `text/markdown`, or one of ours (see {@link CELL_TYPES}). */
  type: string;
  /** The cell's source, dedented, with `\n` line endings. */
  source: string;
  /** Every other attribute of the `<script>` in file order (`pinned`, `hidden`, `name`, …); boolean attributes have value `''`. */
  attributes: Record<string, string>;
}

export interface NotebookFile {
  /** The `<title>` text, if the file has one. */
  title?: string;
  /** Attributes of `<notebook>` in file order (`theme`, `readonly`, …). */
  attributes: Record<string, string>;
  cells: NotebookCellSpec[];
}

const SCRIPT_CLOSE = /<\/script(?=[\s/>]|$)/i;
// `<` before any number of backslashes then `/script` and a tag end: escaping adds one backslash, reading removes one.
const ESCAPABLE_CLOSE = /<(?=\\*\/script(?:[\s/>]|$))/gi;
const ESCAPED_CLOSE = /<\\(?=\\*\/script(?:[\s/>]|$))/gi;

/** Serialises a notebook to the Notebook Kit HTML text. `parseNotebook(serializeNotebook(nb))` equals `nb`. */
export function serializeNotebook(notebook: NotebookFile): string {
  const parts = [`<!doctype html>\n<notebook${serializeAttributes(notebook.attributes)}>`];
  if (notebook.title !== undefined) parts.push(`\n  <title>${escapeText(notebook.title)}</title>`);
  for (const cell of notebook.cells) {
    const attributes = serializeAttributes({ id: String(cell.id), type: cell.type, ...cell.attributes });
    parts.push(`\n  <script${attributes}>${indent(cell.source.replace(ESCAPABLE_CLOSE, '<\\'))}</script>`);
  }
  parts.push('\n</notebook>\n');
  return parts.join('');
}

/** Parses Notebook Kit HTML. Missing, invalid or duplicate ids are renumbered after the largest seen so far. */
export function parseNotebook(html: string): NotebookFile {
  const open = /<notebook(?=[\s>/])([^>]*)>/i.exec(html);
  if (!open) throw new SyntaxError('Not a notebook: no <notebook> element found.');
  const attributes = parseAttributes(open[1] ?? '');
  const content = html.slice(open.index + open[0].length);

  let title: string | undefined;
  const cells: NotebookCellSpec[] = [];
  const usedIds = new Set<number>();
  let maxId = 0;
  // Scan tag by tag, so a `</notebook>` inside a cell's source does not end the notebook.
  const tag = /<(title|script|\/notebook)(?=[\s>/])([^>]*)>/gi;
  let match = tag.exec(content);
  while (match) {
    const name = match[1]!.toLowerCase();
    if (name === '/notebook') break;
    const start = match.index + match[0].length;
    if (name === 'title') {
      const close = /<\/title\s*>/i.exec(content.slice(start));
      const text = close ? content.slice(start, start + close.index) : content.slice(start);
      title ??= decodeEntities(text);
      tag.lastIndex = close ? start + close.index + close[0].length : content.length;
    } else {
      const close = SCRIPT_CLOSE.exec(content.slice(start));
      const raw = close ? content.slice(start, start + close.index) : content.slice(start);
      const { id: rawId, type, ...rest } = parseAttributes(match[2] ?? '');
      let id = Math.floor(Number(rawId));
      if (!Number.isFinite(id) || !(id > 0) || usedIds.has(id)) id = ++maxId;
      else if (id > maxId) maxId = id;
      usedIds.add(id);
      cells.push({ id, type: type ?? CELL_TYPES.javascript, source: dedent(raw.replace(ESCAPED_CLOSE, '<')), attributes: rest });
      const afterClose = close ? start + close.index + close[0].length : content.length;
      const gt = content.indexOf('>', afterClose);
      tag.lastIndex = gt === -1 ? content.length : gt + 1;
    }
    match = tag.exec(content);
  }
  return title === undefined ? { attributes, cells } : { title, attributes, cells };
}

/** Returns an id not used by any cell of the notebook (one past the largest). */
export function nextCellId(notebook: Pick<NotebookFile, 'cells'>): number {
  return notebook.cells.reduce((max, cell) => Math.max(max, cell.id), 0) + 1;
}

// Every non-empty line gets four spaces, so whitespace-only lines survive the round trip
// (notebook-kit blanks them, which loses them).
function indent(source: string): string {
  const lines = source.split(/\r\n?|\n/);
  return `\n${lines.map((line) => (line === '' ? '' : `    ${line}`)).join('\n')}\n  `;
}

function dedent(text: string): string {
  const lines = text.split(/\r\n?|\n/);
  if (lines.length > 1 && isBlank(lines[lines.length - 1]!)) lines.pop();
  if (lines.length > 0 && isBlank(lines[0]!)) lines.shift();
  return lines.map((line) => line.replace(/^ {4}/, '')).join('\n');
}

function isBlank(line: string): boolean {
  return /^\s*$/.test(line);
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const attribute = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let match = attribute.exec(text);
  while (match) {
    const name = match[1]!.toLowerCase();
    if (!(name in attributes)) attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
    match = attribute.exec(text);
  }
  return attributes;
}

function serializeAttributes(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([name, value]) => (value === '' ? ` ${name}` : ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`))
    .join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}
