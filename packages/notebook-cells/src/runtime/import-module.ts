/**
 * What `import … from "…"` in a JavaScript cell loads. Our own packages resolve to the copies this
 * package was built with (a bare specifier cannot be imported at runtime without an import map);
 * `npm:` prefixes are accepted as in Observable; anything else is imported as a URL.
 */
const KNOWN: Record<string, () => Promise<unknown>> = {
  '@wengert/engine': () => import('@wengert/engine'),
  '@wengert/worker': () => import('@wengert/worker'),
  '@wengert/optim-viz': () => import('@wengert/optim-viz'),
  '@wengert/notebook-cells': () => import('../index.js'),
};

export function importModule(specifier: string): Promise<unknown> {
  const name = specifier.replace(/^npm:/, '').replace(/@[\d.^~*x-]+$/, '');
  const known = KNOWN[name];
  return known ? known() : import(/* @vite-ignore */ specifier);
}
