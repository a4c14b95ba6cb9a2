/**
 * The gallery: one notebook per chapter of the autodiff notes, stored as Notebook Kit HTML files
 * next to this module (`01-derivatives.html`, …), so each opens in any Notebook Kit tool too.
 */
const files = import.meta.glob<string>('./*.html', { query: '?raw', import: 'default', eager: true });

export interface GalleryEntry {
  /** `02-evaluation-trace`: the file name without `.html`, used in the URL (`#gallery/02-evaluation-trace`). */
  slug: string;
  /** The notebook's `<title>`. */
  title: string;
  html: string;
}

export const GALLERY: readonly GalleryEntry[] = Object.entries(files)
  .map(([path, html]) => ({
    slug: path.replace(/^\.\/|\.html$/g, ''),
    title: /<title>([^<]*)<\/title>/.exec(html)?.[1]?.trim() ?? path,
    html,
  }))
  .sort((a, b) => a.slug.localeCompare(b.slug));

export function galleryEntry(slug: string): GalleryEntry | undefined {
  return GALLERY.find((entry) => entry.slug === slug);
}
