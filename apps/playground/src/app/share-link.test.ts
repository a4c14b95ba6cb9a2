import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeShareFragment, encodeShareFragment } from './share-link.js';

const notebook = '<!doctype html>\n<notebook>\n  <title>Ünïcode ∇f · 𝑥</title>\n  <script id="1" type="module">\n    "<\\/script>" + 1\n  </script>\n</notebook>\n';

describe('share links', () => {
  it('pack the notebook as raw DEFLATE in base64url, readable by zlib', async () => {
    const fragment = await encodeShareFragment(notebook);
    expect(fragment).toMatch(/^share=[A-Za-z0-9_-]+$/);
    expect(inflateRawSync(Buffer.from(fragment.slice('share='.length), 'base64url')).toString()).toBe(notebook);
  });

  it('unpack what zlib packed, and ignore fragments that are not share links', async () => {
    const packed = deflateRawSync(Buffer.from(notebook.repeat(50))).toString('base64url');
    expect(await decodeShareFragment(`#share=${packed}`)).toBe(notebook.repeat(50));
    expect(await decodeShareFragment('#gallery/02-evaluation-trace')).toBeUndefined();
  });
});
