// Every string the UI shows comes from one catalog. English is the source
// and ships with the app; Hindi is complete (the type checker refuses a
// missing key) and loads when chosen, so English readers never download it.
// `{name}` placeholders are filled from `vars`; plural entries pick their
// form with Intl.PluralRules.

import { signal } from '@preact/signals';
import { en, type Catalog, type Key } from './en';

export type Locale = 'en' | 'hi';
const CATALOGS: Partial<Record<Locale, Catalog>> = { en };
const STORE = 'parley.locale';

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORE);
    if (stored === 'en' || stored === 'hi') return stored;
  } catch {
    // private mode
  }
  return navigator.language.toLowerCase().startsWith('hi') ? 'hi' : 'en';
}

/** The language shown: English until a chosen catalog has loaded. */
export const locale = signal<Locale>('en');
document.documentElement.lang = locale.value;

async function catalog(l: Locale): Promise<Catalog> {
  CATALOGS[l] ??= l === 'hi' ? (await import('./hi')).hi : en;
  return CATALOGS[l];
}

/** Switches to `l` once its catalog is here, and remembers the choice. */
export function setLocale(l: Locale): void {
  try {
    localStorage.setItem(STORE, l);
  } catch {
    // not remembered
  }
  void catalog(l).then(() => {
    locale.value = l;
    document.documentElement.lang = l;
  });
}

const wanted = initialLocale();
if (wanted !== 'en') setLocale(wanted);

export type Vars = Record<string, string | number>;

/** The UI string `key` in the current language. */
export function t(key: Key, vars: Vars = {}): string {
  const entry = (CATALOGS[locale.value] ?? en)[key] as Catalog[Key];
  let text: string;
  if (typeof entry === 'string') {
    text = entry;
  } else {
    const n = Number(vars.n ?? 0);
    const form = new Intl.PluralRules(locale.value).select(n);
    text = form === 'one' ? entry.one : entry.other;
  }
  return text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}
