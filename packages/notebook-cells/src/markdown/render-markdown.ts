import DOMPurify from 'dompurify';
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension } from 'marked';

interface MathToken {
  type: 'mathBlock' | 'mathInline';
  raw: string;
  text: string;
  display: boolean;
}

// KaTeX writes MathML, which Chromium, Firefox and Safari render natively: no stylesheet or fonts to
// load into each shadow root.
function renderMath(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, output: 'mathml', throwOnError: false });
}

const blockMath: TokenizerAndRendererExtension = {
  name: 'mathBlock',
  level: 'block',
  start: (src) => src.match(/^ {0,3}\$\$/m)?.index,
  tokenizer(src) {
    const match = /^ {0,3}\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n|$)/.exec(src);
    if (match) return { type: 'mathBlock', raw: match[0], text: match[1]!.trim(), display: true } satisfies MathToken;
    return undefined;
  },
  renderer: (token) => `<p class="math-display">${renderMath((token as unknown as MathToken).text, true)}</p>\n`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: 'mathInline',
  level: 'inline',
  start: (src) => src.indexOf('$'),
  tokenizer(src) {
    // `$$…$$` inline is display math; `$…$` must not start or end with a space, so "$5 and $6" stays text.
    const match = /^\$\$([\s\S]+?)\$\$|^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
    if (!match) return undefined;
    const display = match[1] !== undefined;
    return { type: 'mathInline', raw: match[0], text: (match[1] ?? match[2])!.trim(), display } satisfies MathToken;
  },
  renderer: (token) => renderMath((token as unknown as MathToken).text, (token as unknown as MathToken).display),
};

const marked = new Marked({ gfm: true, extensions: [blockMath, inlineMath] });

/**
 * Markdown with `$…$` and `$$…$$` math to sanitised HTML. Raw HTML in the Markdown is allowed but
 * passes DOMPurify, so `<script>`, event handler attributes and `javascript:` URLs never run.
 */
export function renderMarkdown(source: string): string {
  const unsafe = marked.parse(source, { async: false });
  return DOMPurify.sanitize(unsafe, { USE_PROFILES: { html: true, mathMl: true }, ADD_TAGS: ['semantics', 'annotation'], ADD_ATTR: ['encoding'] });
}
