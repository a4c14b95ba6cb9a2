/** One constructed sheet per shadow root, refreshed with plotly's current rules after every draw. */
const adopted = new WeakMap<ShadowRoot, CSSStyleSheet>();

/**
 * Plotly writes its CSS (modebar, hover labels, drag layers) into `<style id="plotly.js-style-…">` in
 * `document.head`, which a shadow root cannot see: the modebar then renders as a static block and
 * the stacked SVG layers swallow hover. Copy those rules into the root as an adopted sheet.
 */
export function adoptPlotlyStyles(root: ShadowRoot): void {
  let sheet = adopted.get(root);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    adopted.set(root, sheet);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }
  const rules: string[] = [];
  for (const style of document.querySelectorAll<HTMLStyleElement>('style[id^="plotly.js-style"]')) {
    for (const rule of Array.from(style.sheet?.cssRules ?? [])) rules.push(rule.cssText);
  }
  sheet.replaceSync(rules.join('\n'));
}
