import { userEvent } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import type { WgJsCell } from './wg-js-cell.js';
import type { WgNotebook } from './wg-notebook.js';
import type { WgMarkdownCell } from './wg-markdown-cell.js';
import { cleanup, mount, screenshot, shadowText, until } from './test-support.js';

afterEach(cleanup);

const output = (cell: Element) => shadowText(cell, '[part~=output]');
const error = (cell: Element) => shadowText(cell, '[part=error]');

describe('<wg-markdown-cell>', () => {
  it('renders Markdown with KaTeX math as MathML', async () => {
    const root = mount(`<wg-markdown-cell><script type="text/markdown">
      # Steepest descent

      The update is $\\Delta w = -\\eta\\, g^\\sharp$ and

      $$\\|g\\|^\\dagger = \\max_{\\|t\\| = 1} \\langle g, t \\rangle$$

      | norm | update |
      |---|---|
      | ℓ2 | gradient descent |
    </script></wg-markdown-cell>`);
    const cell = root.querySelector('wg-markdown-cell') as WgMarkdownCell;
    await cell.updateComplete;
    const prose = cell.shadowRoot!.querySelector('[part=output]')!;
    expect(prose.querySelector('h1')?.textContent).toBe('Steepest descent');
    expect(prose.querySelectorAll('math')).toHaveLength(2);
    expect(prose.querySelector('math[display=block]')).not.toBeNull();
    expect(prose.querySelector('td')?.textContent).toBe('ℓ2');
    await screenshot(cell, 'markdown-cell');
  });

  it('never runs a <script>, an event handler or a javascript: URL written in the Markdown', async () => {
    const flags = window as unknown as Record<string, unknown>;
    const root = mount('<wg-markdown-cell></wg-markdown-cell>');
    const cell = root.querySelector('wg-markdown-cell') as WgMarkdownCell;
    cell.source = [
      'Hello <script>window.__scriptRan = true</script>',
      '<img src="data:," onerror="window.__handlerRan = true">',
      '[link](javascript:window.__linkRan=true)',
      '<svg><script>window.__svgScriptRan = true</script></svg>',
    ].join('\n\n');
    await cell.updateComplete;
    const prose = cell.shadowRoot!.querySelector('[part=output]')!;
    // Give an onerror handler the chance to fire if it had survived sanitising.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    expect(prose.textContent).toContain('Hello');
    expect(prose.querySelector('script')).toBeNull();
    expect(prose.querySelector('img')?.getAttribute('onerror')).toBeNull();
    expect(prose.querySelector('a')?.getAttribute('href') ?? '').not.toMatch(/javascript:/);
    expect(flags.__scriptRan).toBeUndefined();
    expect(flags.__handlerRan).toBeUndefined();
    expect(flags.__svgScriptRan).toBeUndefined();
  });
});

describe('<wg-markdown-cell> with interpolated expressions', () => {
  it('interpolates live values from other cells, also inside math, and re-renders when they change', async () => {
    const root = mount(`<wg-notebook>
      <wg-markdown-cell><script type="text/markdown">The rate is **\${rate * 100}%** and $\\eta = \${rate}$.</script></wg-markdown-cell>
      <wg-js-cell id="rate"><script type="text/plain">const rate = 0.25;</script></wg-js-cell>
    </wg-notebook>`);
    const markdown = root.querySelector('wg-markdown-cell') as WgMarkdownCell;
    await until(() => markdown.shadowRoot!.querySelector('strong')?.textContent === '25%');
    expect(markdown.shadowRoot!.querySelector('math')?.textContent).toContain('0.25');
    (root.querySelector('#rate') as WgJsCell).source = 'const rate = 0.5;';
    await until(() => markdown.shadowRoot!.querySelector('strong')?.textContent === '50%');
  });
});

describe('<wg-js-cell> in a <wg-notebook>', () => {
  it('shares names between cells in any order, displays the last expression and re-runs dependents', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="sum"><script type="text/plain">a + b</script></wg-js-cell>
      <wg-js-cell id="a" pinned><script type="text/plain">const a = 2;</script></wg-js-cell>
      <wg-js-cell id="b"><script type="text/plain">const b = a * 10;</script></wg-js-cell>
    </wg-notebook>`);
    const sum = root.querySelector('#sum') as WgJsCell;
    await until(() => output(sum) === '22');

    const a = root.querySelector('#a') as WgJsCell;
    a.source = 'const a = 5;';
    await until(() => output(sum) === '55');
  });

  it('re-runs dependents when the user edits a pinned cell, and fires input only then', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="a" pinned><script type="text/plain">const a = 3;</script></wg-js-cell>
      <wg-js-cell id="sq"><script type="text/plain">a * a</script></wg-js-cell>
    </wg-notebook>`);
    const a = root.querySelector('#a') as WgJsCell;
    const sq = root.querySelector('#sq') as WgJsCell;
    await until(() => output(sq) === '9');
    const inputs: Event[] = [];
    a.addEventListener('input', (event) => inputs.push(event));
    a.value = 'const a = 4;';
    await until(() => output(sq) === '16');
    expect(inputs).toHaveLength(0);

    a.shadowRoot!.querySelector('wg-code-editor')!.focus();
    await userEvent.keyboard('{End}{Backspace}{Backspace}7;');
    await until(() => output(sq) === '49');
    expect(inputs.length).toBeGreaterThanOrEqual(1);
    expect(inputs.every((event) => event.bubbles && event.composed)).toBe(true);
    expect(a.value).toBe('const a = 7;');
  });

  it('keeps the last output visible, dimmed, while a cell re-runs', async () => {
    const gate = window as unknown as { __wait?: () => Promise<void>; __release?: () => void };
    gate.__wait = () => new Promise<void>((resolve) => (gate.__release = resolve));
    const root = mount(`<wg-notebook>
      <wg-js-cell id="a"><script type="text/plain">const a = 1;</script></wg-js-cell>
      <wg-js-cell id="b"><script type="text/plain">await window.__wait(a);
a * 10</script></wg-js-cell>
    </wg-notebook>`);
    const a = root.querySelector('#a') as WgJsCell;
    const b = root.querySelector('#b') as WgJsCell;
    await until(() => gate.__release);
    gate.__release!();
    await until(() => output(b) === '10');

    gate.__release = undefined;
    a.source = 'const a = 2;';
    await until(() => gate.__release && b.running);
    await b.updateComplete;
    const shown = b.shadowRoot!.querySelector('[part~=output]')!;
    await Promise.all(shown.getAnimations().map((animation) => animation.finished));
    expect(output(b)).toBe('10');
    expect(getComputedStyle(shown).opacity).toBe('0.45');
    gate.__release!();
    await until(() => output(b) === '20' && !b.running);
    await b.updateComplete;
    await Promise.all(shown.getAnimations().map((animation) => animation.finished));
    expect(getComputedStyle(shown).opacity).toBe('1');
  });

  it('makes view(element) a live value: dependents re-run as the user changes the input', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="slider"><script type="text/plain">const rate = view(Object.assign(document.createElement("input"), {type: "range", min: 0, max: 10, value: 3}));</script></wg-js-cell>
      <wg-js-cell id="double"><script type="text/plain">rate * 2</script></wg-js-cell>
    </wg-notebook>`);
    const double = root.querySelector('#double') as WgJsCell;
    await until(() => output(double) === '6');
    const slider = await until(() => root.querySelector('#slider')!.shadowRoot!.querySelector('input'));
    slider.focus();
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    await until(() => output(double) === '10');
  });

  it('shows a cycle as an error in each cell of the cycle', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="x"><script type="text/plain">const x = y + 1;</script></wg-js-cell>
      <wg-js-cell id="y"><script type="text/plain">const y = x + 1;</script></wg-js-cell>
      <wg-js-cell id="ok"><script type="text/plain">40 + 2</script></wg-js-cell>
    </wg-notebook>`);
    await until(() => error(root.querySelector('#x')!).includes('circular definition: x → y → x'));
    await until(() => error(root.querySelector('#y')!).includes('circular definition: y → x → y'));
    await screenshot(root.querySelector('wg-notebook')!, 'cycle');
    await until(() => output(root.querySelector('#ok')!) === '42');
    expect(error(root.querySelector('#ok')!)).toBe('');
  });

  it('shows a name defined twice as an error in both cells and in a reader, until one is renamed', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="one"><script type="text/plain">const n = 1;</script></wg-js-cell>
      <wg-js-cell id="two"><script type="text/plain">const n = 2;</script></wg-js-cell>
      <wg-js-cell id="reader"><script type="text/plain">n * 100</script></wg-js-cell>
    </wg-notebook>`);
    for (const id of ['one', 'two', 'reader']) await until(() => /n is defined more than once/.test(error(root.querySelector(`#${id}`)!)));
    await screenshot(root.querySelector('wg-notebook')!, 'duplicate-name');
    (root.querySelector('#two') as WgJsCell).source = 'const m = 2;';
    await until(() => output(root.querySelector('#reader')!) === '100');
    expect(error(root.querySelector('#one')!)).toBe('');
  });

  it('shows a syntax error with line and column, and keeps other cells running', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="bad" pinned><script type="text/plain">const a = 1;
const = 2;</script></wg-js-cell>
    </wg-notebook>`);
    const bad = root.querySelector('#bad')!;
    await until(() => error(bad));
    expect(error(bad)).toMatch(/SyntaxError: Unexpected token \(line 2, column 7\)/);
    await until(() => bad.shadowRoot!.querySelector('wg-code-editor')!.shadowRoot!.querySelector('.cm-wg-error'));
  });

  it('inspects numbers, arrays, typed arrays, objects, tensors and DOM nodes', async () => {
    const root = mount(`<wg-notebook>
      <wg-js-cell id="num"><script type="text/plain">Math.PI</script></wg-js-cell>
      <wg-js-cell id="arr"><script type="text/plain">[1, 2.5, "s"]</script></wg-js-cell>
      <wg-js-cell id="typed"><script type="text/plain">new Float64Array([0.5, 1.5])</script></wg-js-cell>
      <wg-js-cell id="obj"><script type="text/plain">({lr: 0.01, name: "adam"})</script></wg-js-cell>
      <wg-js-cell id="tensor"><script type="text/plain">import {tensor} from "@wengert/engine";
tensor([[1, 2], [3, 4]])</script></wg-js-cell>
      <wg-js-cell id="node"><script type="text/plain">const el = document.createElement("b");
el.textContent = "bold";
display(el);</script></wg-js-cell>
    </wg-notebook>`);
    const at = (id: string) => root.querySelector(`#${id}`)!;
    await until(() => output(at('num')) === '3.14159');
    await until(() => output(at('arr')).includes('Array(3) [1, 2.5, "s"]'));
    await until(() => output(at('typed')).includes('Float64Array(2) [0.5, 1.5]'));
    await until(() => output(at('obj')).includes('lr: 0.01, name: "adam"'));
    await until(() => output(at('tensor')).includes('Tensor float64 [2, 2]'));
    const cells = [...at('tensor').shadowRoot!.querySelectorAll('.i-matrix td')].map((td) => td.textContent);
    expect(cells).toEqual(['1', '2', '3', '4']);
    await until(() => at('node').shadowRoot!.querySelector('[part~=output] b')?.textContent === 'bold');
    await screenshot(root.querySelector('wg-notebook')!, 'js-cells');
  });
});

describe('standalone cells outside a notebook', () => {
  it('share names through the page-wide graph', async () => {
    const root = mount(`
      <wg-js-cell id="p"><script type="text/plain">const standaloneP = 6;</script></wg-js-cell>
      <p>some page text</p>
      <wg-js-cell id="q"><script type="text/plain">standaloneP * 7</script></wg-js-cell>`);
    await until(() => output(root.querySelector('#q')!) === '42');
  });
});

describe('safe preview', () => {
  it('shows sources but runs nothing until the notebook runs', async () => {
    const flags = window as unknown as Record<string, unknown>;
    const root = mount(`<wg-notebook preview>
      <wg-markdown-cell><script type="text/markdown"># Shared notebook</script></wg-markdown-cell>
      <wg-js-cell id="side"><script type="text/plain">window.__previewRan = true; 6 * 7</script></wg-js-cell>
    </wg-notebook>`);
    const notebook = root.querySelector('wg-notebook') as WgNotebook;
    const side = root.querySelector('#side') as WgJsCell;
    const markdown = root.querySelector('wg-markdown-cell') as WgMarkdownCell;
    await markdown.updateComplete;
    await side.updateComplete;
    expect(markdown.shadowRoot!.querySelector('h1')?.textContent).toBe('Shared notebook');
    await until(() => side.shadowRoot!.querySelector('wg-code-editor')?.value.includes('__previewRan'));
    // Two frames: the runtime computes once per frame, so a cell that had joined would have run.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    expect(flags.__previewRan).toBeUndefined();

    notebook.run();
    await until(() => output(side) === '42');
    expect(flags.__previewRan).toBe(true);
  });
});
