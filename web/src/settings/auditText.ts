// An audit line in words: the action as the catalog names it ("invite"
// reads "Invited a teammate", in the language chosen), and the detail's
// fields as "name: value" pairs rather than JSON. A code the catalog does
// not know yet (a newer API's) reads as its words: its underscores as
// spaces ("set_password" reads "Set password").
import type { components } from '../api/schema';
import { t } from '../i18n';
import { en, type Key } from '../i18n/en';

/** Every action the API's document lists (the Rust side's AUDIT_ACTIONS). */
export type AuditActionCode = components['schemas']['AuditEntry']['action'];
/** A key the catalog must have; the type check refuses a catalog without
 * words for an action the API lists. */
type Catalogued<K extends Key> = K;
export type AuditActionKey = Catalogued<`audit.action.${AuditActionCode}`>;

export function auditAction(code: string): string {
  const key = `audit.action.${code}`;
  if (key in en) return t(key as Key);
  const words = code.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function auditDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  if (Array.isArray(detail)) return detail.map(asText).join(', ');
  return Object.entries(detail as Record<string, unknown>)
    .map(([key, value]) => `${key.replaceAll('_', ' ')}: ${asText(value)}`)
    .join(' · ');
}

/** A string as it is; anything else (a number, a list, an object) as JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
