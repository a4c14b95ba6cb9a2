/** Colour helpers. Plotly parses only hex, rgb(a), hsl(a) and names, so everything is turned into rgb(a). */

let paintContext: CanvasRenderingContext2D | null = null;

/**
 * Resolves any CSS colour the browser understands (oklch(), color-mix(), color(srgb …)) to
 * `rgb(r, g, b)` or `rgba(r, g, b, a)` by painting one pixel and reading it back.
 */
export function concreteColor(css: string): string {
  if (/^rgba?\(/.test(css) || /^#[0-9a-f]{3,8}$/i.test(css)) return css;
  paintContext ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!paintContext) return css;
  paintContext.clearRect(0, 0, 1, 1);
  paintContext.fillStyle = '#000';
  paintContext.fillStyle = css;
  paintContext.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = paintContext.getImageData(0, 0, 1, 1).data;
  return a === 255 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${Math.round((a! / 255) * 1000) / 1000})`;
}

/** Channels of a concrete colour (the output of `concreteColor`), each 0–255, alpha 0–1. */
export function rgbaChannels(color: string): [number, number, number, number] {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const n = (k: number) => Number.parseInt(full.slice(2 * k, 2 * k + 2), 16);
    return [n(0), n(1), n(2), full.length === 8 ? n(3) / 255 : 1];
  }
  const numbers = color.match(/-?[\d.]+/g)?.map(Number) ?? [];
  return [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0, numbers[3] ?? 1];
}

/** The same colour with its alpha multiplied by `alpha`. */
export function withAlpha(color: string, alpha: number): string {
  const [r, g, b, a] = rgbaChannels(color);
  return `rgba(${r}, ${g}, ${b}, ${Math.round(a * alpha * 1000) / 1000})`;
}
