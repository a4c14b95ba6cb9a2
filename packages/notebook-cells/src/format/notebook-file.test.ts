import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CELL_TYPES, type NotebookFile, nextCellId, parseNotebook, serializeNotebook } from './notebook-file.js';

const descentNotebook: NotebookFile = {
  title: 'Rosenbrock & friends',
  attributes: { theme: 'air' },
  cells: [
    { id: 1, type: CELL_TYPES.markdown, source: '# Descent on $f(x, y)$\n\nSome <b>prose</b>.', attributes: {} },
    {
      id: 2,
      type: CELL_TYPES.loss,
      source: 'x => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2',
      attributes: { name: 'rosenbrock' },
    },
    {
      id: 5,
      type: CELL_TYPES.descent,
      source: JSON.stringify({ name: 'gd', loss: 'rosenbrock', learningRate: 0.001, steps: 200 }, null, 2),
      attributes: {},
    },
    { id: 3, type: CELL_TYPES.plot, source: '{"of": ["gd"]}', attributes: { pinned: '' } },
    { id: 4, type: CELL_TYPES.javascript, source: 'const a = 1;\n{\n  a + 1;\n}\n', attributes: { pinned: '' } },
  ],
};

describe('serializeNotebook', () => {
  it('writes the Notebook Kit layout: doctype, notebook, title, one indented script per cell', () => {
    const html = serializeNotebook({
      title: 'T',
      attributes: { theme: 'air' },
      cells: [
        { id: 1, type: 'text/markdown', source: '# Hi', attributes: {} },
        { id: 2, type: 'module', source: '{\n  1;\n}', attributes: { pinned: '' } },
      ],
    });
    expect(html).toBe(
      '<!doctype html>\n<notebook theme="air">\n  <title>T</title>\n' +
        '  <script id="1" type="text/markdown">\n    # Hi\n  </script>\n' +
        '  <script id="2" type="module" pinned>\n    {\n      1;\n    }\n  </script>\n</notebook>\n',
    );
  });

  it('escapes every form of </script so the file closes each cell where it should', () => {
    const sources = [`'</script>'`, `'</script '`, `'</SCRIPT '`, `'</sCrIpT/'`, `'<\\/script>'`, `'<\\\\/script '`, 'a </script'];
    const notebook: NotebookFile = {
      attributes: {},
      cells: sources.map((source, i) => ({ id: i + 1, type: 'module', source, attributes: {} })),
    };
    const html = serializeNotebook(notebook);
    expect(html.match(/<\/script>/gi)).toHaveLength(sources.length);
    expect(parseNotebook(html)).toEqual(notebook);
  });
});

describe('parseNotebook', () => {
  it('reads a file as notebook-kit writes it (blank lines emptied, attributes in any order)', () => {
    const html = `<!doctype html>
<notebook theme="slate" readonly>
  <title>Bar &amp; chart</title>
  <script id="1" type="text/markdown">
    # Bar chart

    Text
  </script>
  <script type="module" pinned="" id="269">
    const x = 1;
  </script>
</notebook>
`;
    expect(parseNotebook(html)).toEqual({
      title: 'Bar & chart',
      attributes: { theme: 'slate', readonly: '' },
      cells: [
        { id: 1, type: 'text/markdown', source: '# Bar chart\n\nText', attributes: {} },
        { id: 269, type: 'module', source: 'const x = 1;', attributes: { pinned: '' } },
      ],
    });
  });

  it('renumbers missing, invalid and duplicate ids after the largest seen, keeping visual order', () => {
    const html =
      '<notebook><script type="module">a</script><script id="7" type="module">b</script>' +
      '<script id="7" type="module">c</script><script id="-2" type="module">d</script></notebook>';
    const cells = parseNotebook(html).cells;
    expect(cells.map((c) => [c.id, c.source])).toEqual([
      [1, 'a'],
      [7, 'b'],
      [8, 'c'],
      [9, 'd'],
    ]);
    expect(nextCellId({ cells })).toBe(10);
  });

  it('does not end the notebook at a </notebook> inside a cell', () => {
    const notebook: NotebookFile = {
      attributes: {},
      cells: [
        { id: 1, type: 'text/markdown', source: 'Write `</notebook>` to close it.', attributes: {} },
        { id: 2, type: 'module', source: '1', attributes: {} },
      ],
    };
    expect(parseNotebook(serializeNotebook(notebook))).toEqual(notebook);
  });

  it('refuses text with no <notebook>', () => {
    expect(() => parseNotebook('<html><body>hi</body></html>')).toThrow(/no <notebook>/);
  });
});

describe('round trip', () => {
  it('returns a descent notebook unchanged and writes the same bytes again', () => {
    const html = serializeNotebook(descentNotebook);
    const parsed = parseNotebook(html);
    expect(parsed).toEqual(descentNotebook);
    expect(serializeNotebook(parsed)).toBe(html);
  });

  it('keeps whitespace-only lines, leading blank lines, trailing newlines and tabs', () => {
    const notebook: NotebookFile = {
      attributes: {},
      cells: [
        { id: 1, type: 'module', source: '\n  \n\tx = 1;   \n\n', attributes: {} },
        { id: 2, type: 'module', source: '', attributes: {} },
        { id: 3, type: 'module', source: '     five spaces', attributes: { name: 'a "quoted" & <name>' } },
      ],
    };
    expect(parseNotebook(serializeNotebook(notebook))).toEqual(notebook);
  });

  it('holds for arbitrary sources, titles and attribute values (property)', () => {
    const tricky = fc.constantFrom('</script>', '</SCRIPT ', '<\\/script>', '</notebook>', '<script>', '&amp;', '"', '\t', '    ', '\n', ' ');
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), tricky), { maxLength: 8 }).map((parts) => parts.join('').replace(/\r/g, ''));
    const cell = fc.record({
      type: fc.constantFrom(...Object.values(CELL_TYPES)),
      source: text,
      attributes: fc.dictionary(fc.constantFrom('name', 'pinned', 'hidden', 'data-x'), fc.string().map((s) => s.replace(/\r/g, ''))),
    });
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 6 }), fc.option(text.map((t) => t.replace(/\n/g, ' ')), { nil: undefined }), (cells, title) => {
        const notebook: NotebookFile = {
          ...(title === undefined ? {} : { title }),
          attributes: { theme: 'air' },
          cells: cells.map((c, i) => ({ id: i + 1, ...c })),
        };
        const html = serializeNotebook(notebook);
        expect(parseNotebook(html)).toEqual(notebook);
        expect(serializeNotebook(parseNotebook(html))).toBe(html);
      }),
      { numRuns: 300 },
    );
  });
});
