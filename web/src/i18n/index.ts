// Every string the UI shows comes from one catalog. English is the source;
// Hindi is complete (the type checker refuses a missing key). `{name}`
// placeholders are filled from `vars`; plural entries pick their form with
// Intl.PluralRules.

import { signal } from '@preact/signals';
import { en, type Catalog, type Key } from './en';
import { hi } from './hi';

export type Locale = 'en' | 'hi';
const CATALOGS: Record<Locale, Catalog> = { en, hi };
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

export const locale = signal<Locale>(initialLocale());
document.documentElement.lang = locale.value;

export function setLocale(l: Locale): void {
  locale.value = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(STORE, l);
  } catch {
    // not remembered
  }
}

export type Vars = Record<string, string | number>;

/** The UI string `key` in the current language. */
export function t(key: Key, vars: Vars = {}): string {
  const entry = CATALOGS[locale.value][key] as Catalog[Key];
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
