/**
 * A plain HTML table of rows of numbers (one column per key of the first row), for JavaScript cells:
 * integers as they are, tiny values in exponent form, others to 6 decimals.
 *
 * ```js
 * import {numbersTable} from "@wengert/notebook-cells";
 * numbersTable([{x: 1, "f(x)": Math.sin(1)}, {x: 2, "f(x)": Math.sin(2)}])
 * ```
 */
export function numbersTable(rows: readonly Record<string, unknown>[]): HTMLTableElement {
  const keys = Object.keys(rows[0] ?? {});
  const format = (v: unknown): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(3) : v.toFixed(6)) : String(v);
  const table = document.createElement('table');
  table.className = 'numbers';
  table.style.borderCollapse = 'collapse';
  const head = table.createTHead().insertRow();
  for (const key of keys) {
    const th = document.createElement('th');
    th.textContent = key;
    th.style.cssText = 'text-align:right;padding:2px 10px;border-bottom:1px solid currentColor';
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const key of keys) {
      const td = tr.insertCell();
      td.textContent = format(row[key]);
      td.style.cssText = 'text-align:right;padding:2px 10px;font-family:ui-monospace,monospace';
    }
  }
  return table;
}
