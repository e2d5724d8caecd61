// Dates, numbers and money, always through Intl. Times follow the browser's
// locale; money follows the business's country and the currency the API
// gives (an estimate's, a deal's), else the business's currency.

import { locale } from '../i18n';
import { business } from './business';

export const DAY_MS = 86_400_000;
/** The business's locale for money and numbers: the UI language in the business's country. */
export function businessLocale(): string {
  return `${locale.value === 'hi' ? 'hi' : 'en'}-${business.value.country}`;
}
/** The currency used when the API does not name one: the business's. */
export function businessCurrency(): string {
  return business.value.currency;
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dateFmt(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale.value}:${name}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale.value === 'hi' ? 'hi-IN' : undefined, options);
    cache.set(key, f);
  }
  return f;
}

export const fmtTime = (t: number) => dateFmt('time', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
export const fmtWeekday = (t: number) => dateFmt('weekday', { weekday: 'short' }).format(t);
export const fmtShortDate = (t: number) => dateFmt('short', { day: 'numeric', month: 'short', year: '2-digit' }).format(t);
export const fmtDay = (t: number) => dateFmt('day', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(t);
export const fmtDate = (t: number) => dateFmt('date', { day: 'numeric', month: 'short', year: 'numeric' }).format(t);
export const fmtFull = (t: number) =>
  dateFmt('full', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
export const fmtUntil = (t: number) =>
  dateFmt('until', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);

export function parseTime(iso: unknown): number | null {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : null;
}

export function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function startOfPreviousDay(t: number): number {
  const d = new Date(startOfDay(t));
  d.setDate(d.getDate() - 1);
  return d.getTime();
}

/** `YYYY-MM-DD` of the business's day at `t`: reports count days in the
 *  business's time zone, which may be a date ahead of or behind the browser's. */
export function isoDay(t: number): string {
  try {
    return new Date(t).toLocaleDateString('en-CA', { timeZone: business.value.time_zone });
  } catch {
    const d = new Date(t);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
}

export function money(minor: number, currency: string | null | undefined): string {
  const code = currency || businessCurrency();
  try {
    const f = new Intl.NumberFormat(businessLocale(), { style: 'currency', currency: code });
    return f.format(minor / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`;
  }
}

/** The currency's symbol (the business's by default), for a label such as "Value in $". */
export function currencySymbol(currency: string = businessCurrency()): string {
  try {
    return new Intl.NumberFormat(businessLocale(), { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

export function number(n: number): string {
  return new Intl.NumberFormat(businessLocale()).format(n);
}

export function languageLabel(code: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames(locale.value === 'hi' ? 'hi' : undefined, { type: 'language' }).of(code.replace(/_/g, '-'));
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}
