/**
 * Autosave: every notebook the user touched is kept in localStorage as Notebook Kit HTML, written
 * synchronously on each change, so a reload or a crashed tab loses nothing.
 */
const KEY_PREFIX = 'wengert:notebook:';
const INDEX_KEY = 'wengert:notebooks';

export interface SavedNotebookInfo {
  /** The route key: `gallery/02-evaluation-trace`, `local/1732612345678`. */
  key: string;
  title: string;
  savedAt: number;
}

export function loadSaved(key: string): string | undefined {
  return localStorage.getItem(KEY_PREFIX + key) ?? undefined;
}

export function saveNotebook(key: string, title: string, html: string): void {
  localStorage.setItem(KEY_PREFIX + key, html);
  const index = listSaved().filter((info) => info.key !== key);
  index.unshift({ key, title, savedAt: Date.now() });
  localStorage.setItem(INDEX_KEY, JSON.stringify(index));
}

export function forgetSaved(key: string): void {
  localStorage.removeItem(KEY_PREFIX + key);
  localStorage.setItem(INDEX_KEY, JSON.stringify(listSaved().filter((info) => info.key !== key)));
}

/** Saved notebooks, most recently saved first. */
export function listSaved(): SavedNotebookInfo[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(INDEX_KEY) ?? '[]') as SavedNotebookInfo[];
    return Array.isArray(parsed) ? parsed.filter((info) => typeof info?.key === 'string') : [];
  } catch {
    return [];
  }
}

const THEME_KEY = 'wengert:theme';

export function loadTheme(): 'light' | 'dark' | undefined {
  const theme = localStorage.getItem(THEME_KEY);
  return theme === 'light' || theme === 'dark' ? theme : undefined;
}

export function saveTheme(theme: 'light' | 'dark'): void {
  localStorage.setItem(THEME_KEY, theme);
}
