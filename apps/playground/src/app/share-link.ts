/**
 * A notebook packed into a URL fragment: the Notebook Kit HTML, deflated with the native
 * CompressionStream and written in base64url. The fragment never reaches a server.
 */
const PREFIX = 'share=';

export async function encodeShareFragment(html: string): Promise<string> {
  const bytes = await pipe(new TextEncoder().encode(html), new CompressionStream('deflate-raw'));
  return `${PREFIX}${toBase64Url(bytes)}`;
}

/** The HTML packed in a `#share=…` fragment, or undefined when the fragment is not a share link. */
export async function decodeShareFragment(fragment: string): Promise<string | undefined> {
  const body = fragment.replace(/^#/, '');
  if (!body.startsWith(PREFIX)) return undefined;
  const bytes = await pipe(fromBase64Url(body.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
  return new TextDecoder().decode(bytes);
}

async function pipe(input: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([input as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
