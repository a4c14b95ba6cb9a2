import { css, html, nothing, type TemplateResult } from 'lit';
import { describeError } from '../runtime/cell-error.js';

const MAX_ITEMS = 20;

type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array;

/** A Tensor as the engine makes it, recognised by shape, without importing the engine here. */
interface TensorLike {
  shape: readonly number[];
  dtype: string;
  data: TypedArray;
}

export function isTensorLike(value: unknown): value is TensorLike {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<TensorLike>;
  return Array.isArray(v.shape) && typeof v.dtype === 'string' && ArrayBuffer.isView(v.data);
}

/** 4 significant digits, no trailing zeros; integers as they are. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return Object.is(value, -0) ? '-0' : String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(6)));
}

/**
 * Shows any value the way Observable's inspector does: numbers and strings coloured, arrays, typed
 * arrays and objects collapsible, Tensors with dtype and shape, DOM nodes as themselves, errors in red.
 */
export function inspect(value: unknown, depth = 0): TemplateResult | Node | typeof nothing {
  if (value instanceof Node) return value;
  if (value instanceof Error || (value && typeof value === 'object' && 'code' in value && 'message' in value && !Array.isArray(value))) {
    const { code, message } = describeError(value);
    return html`<span class="i-error">${code}: ${message}</span>`;
  }
  if (value === undefined) return html`<span class="i-muted">undefined</span>`;
  if (value === null) return html`<span class="i-muted">null</span>`;
  switch (typeof value) {
    case 'number':
      return html`<span class="i-number">${formatNumber(value)}</span>`;
    case 'bigint':
      return html`<span class="i-number">${value}n</span>`;
    case 'boolean':
      return html`<span class="i-number">${String(value)}</span>`;
    case 'string':
      return depth === 0 && value.includes('\n') ? html`<pre class="i-string">${value}</pre>` : html`<span class="i-string">${JSON.stringify(value)}</span>`;
    case 'symbol':
      return html`<span class="i-muted">${value.toString()}</span>`;
    case 'function':
      return html`<span class="i-fn">ƒ ${value.name || ''}(${value.length ? '…' : ''})</span>`;
  }
  if (isTensorLike(value)) return inspectTensor(value, depth);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as TypedArray;
    return collapsible(`${array.constructor.name}(${array.length})`, Array.from(array.subarray(0, MAX_ITEMS), (v, i) => [String(i), v]), array.length, depth, '[', ']');
  }
  if (Array.isArray(value)) return collapsible(`Array(${value.length})`, value.slice(0, MAX_ITEMS).map((v, i) => [String(i), v]), value.length, depth, '[', ']');
  if (value instanceof Map) return collapsible(`Map(${value.size})`, [...value].slice(0, MAX_ITEMS).map(([k, v]) => [String(k), v]), value.size, depth, '{', '}');
  if (value instanceof Set) return collapsible(`Set(${value.size})`, [...value].slice(0, MAX_ITEMS).map((v, i) => [String(i), v]), value.size, depth, '{', '}');
  const entries = Object.entries(value as object);
  const name = (value as object).constructor?.name;
  return collapsible(name && name !== 'Object' ? name : 'Object', entries.slice(0, MAX_ITEMS), entries.length, depth, '{', '}');
}

function collapsible(label: string, entries: [string, unknown][], total: number, depth: number, open: string, close: string): TemplateResult {
  const isArray = open === '[';
  const preview = html`${open}${entries.slice(0, 6).map(([k, v], i) => html`${i ? ', ' : ''}${isArray ? '' : html`<span class="i-key">${k}</span>: `}${inline(v)}`)}${total > 6 ? ', …' : ''}${close}`;
  if (depth >= 3) return html`<span class="i-muted">${label}</span> ${preview}`;
  return html`<details class="i-tree" ?open=${false}>
    <summary><span class="i-muted">${label}</span> ${preview}</summary>
    <div class="i-children">
      ${entries.map(([k, v]) => html`<div><span class="i-key">${k}</span>: ${inspect(v, depth + 1)}</div>`)}
      ${total > entries.length ? html`<div class="i-muted">… ${total - entries.length} more</div>` : nothing}
    </div>
  </details>`;
}

/** A one-line preview: scalars in full, containers by size. */
function inline(value: unknown): TemplateResult | string {
  if (typeof value === 'number') return html`<span class="i-number">${formatNumber(value)}</span>`;
  if (typeof value === 'string') return html`<span class="i-string">${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}</span>`;
  if (value === null || value === undefined || typeof value === 'boolean') return html`<span class="i-muted">${String(value)}</span>`;
  if (isTensorLike(value)) return html`<span class="i-muted">Tensor[${value.shape.join('×')}]</span>`;
  if (Array.isArray(value)) return html`<span class="i-muted">Array(${value.length})</span>`;
  if (ArrayBuffer.isView(value)) return html`<span class="i-muted">${value.constructor.name}</span>`;
  if (typeof value === 'function') return html`<span class="i-fn">ƒ</span>`;
  return html`<span class="i-muted">${(value as object).constructor?.name ?? 'Object'}</span>`;
}

/** A Tensor: its dtype and shape, scalars inline, vectors as a row, matrices as a table. */
function inspectTensor(tensor: TensorLike, depth: number): TemplateResult {
  const { shape, dtype, data } = tensor;
  const label = html`<span class="i-muted">Tensor ${dtype} [${shape.join(', ')}]</span>`;
  if (shape.length === 0) return html`${label} <span class="i-number">${formatNumber(data[0]!)}</span>`;
  if (shape.length === 1) {
    const shown = Array.from(data.subarray(0, MAX_ITEMS), formatNumber).join(', ');
    return html`${label} <span class="i-number">[${shown}${data.length > MAX_ITEMS ? ', …' : ''}]</span>`;
  }
  if (shape.length === 2 && depth < 3) {
    const [rows, cols] = shape as [number, number];
    const shownRows = Math.min(rows, MAX_ITEMS);
    const shownCols = Math.min(cols, MAX_ITEMS);
    return html`<div>${label}</div>
      <table class="i-matrix">
        ${Array.from(
          { length: shownRows },
          (_, i) => html`<tr>
            ${Array.from({ length: shownCols }, (_, j) => html`<td>${formatNumber(data[i * cols + j]!)}</td>`)}${cols > shownCols ? html`<td>…</td>` : nothing}
          </tr>`,
        )}
        ${rows > shownRows ? html`<tr><td>⋮</td></tr>` : nothing}
      </table>`;
  }
  return html`${label} <span class="i-muted">${data.length} values</span>`;
}

/** Styles for the inspector's classes; include them in the shadow root of any element that inspects. */
export const inspectorStyles = css`
  .inspector {
    font-family: var(--_mono);
    font-size: 0.88em;
    overflow-x: auto;
  }
  .i-number {
    color: var(--wg-inspector-number, light-dark(#1a56c7, #79c0ff));
  }
  .i-string {
    color: var(--wg-inspector-string, light-dark(#0a7f3f, #7ee787));
    margin: 0;
  }
  .i-key {
    color: var(--wg-inspector-key, light-dark(#8250df, #d2a8ff));
  }
  .i-fn {
    color: var(--wg-inspector-function, light-dark(#953800, #ffa657));
  }
  .i-muted {
    color: var(--_muted);
  }
  .i-error {
    color: var(--_error);
  }
  .i-tree summary {
    cursor: pointer;
    list-style: none;
  }
  .i-tree summary::-webkit-details-marker {
    display: none;
  }
  .i-tree summary::before {
    content: '▸';
    display: inline-block;
    width: 1em;
    color: var(--_muted);
  }
  .i-tree[open] > summary::before {
    content: '▾';
  }
  .i-children {
    padding-left: 1.2em;
  }
  .i-matrix {
    border-collapse: collapse;
    margin-top: 2px;
  }
  .i-matrix td {
    padding: 1px 8px;
    text-align: right;
    color: var(--wg-inspector-number, light-dark(#1a56c7, #79c0ff));
    border-left: 1px solid var(--_grid);
  }
`;
