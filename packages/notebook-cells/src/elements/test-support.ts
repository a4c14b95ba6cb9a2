import { page } from 'vitest/browser';
import '../index.js';

/** Puts `markup` into a fresh container on the page and returns it; call `cleanup` after each test. */
export function mount(markup: string): HTMLElement {
  const container = document.createElement('div');
  container.className = 'test-root';
  container.style.cssText = 'width: 900px; padding: 8px; background: var(--wg-bg, light-dark(#fff, #0d1117));';
  container.innerHTML = markup;
  document.body.append(container);
  return container;
}

export function cleanup(): void {
  for (const root of document.querySelectorAll('.test-root')) root.remove();
}

/** The text of an element's shadow root part, `''` if absent. */
export function shadowText(element: Element, selector: string): string {
  return element.shadowRoot?.querySelector(selector)?.textContent?.trim() ?? '';
}

/** Saves a screenshot of `element` under artifacts/ (git-ignored) for a human to look at. */
export async function screenshot(element: Element, name: string): Promise<void> {
  await page.elementLocator(element).screenshot({ path: `../../artifacts/${name}.png`, save: true });
}

/** Resolves when `predicate` holds, polling once per animation frame (no time limit of its own). */
export async function until<T>(predicate: () => T | undefined | null | false): Promise<T> {
  for (;;) {
    const value = predicate();
    if (value) return value;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}
