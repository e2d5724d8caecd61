// How a contact's first-touch source (as the API keeps it) reads to staff.
import { t } from '../i18n';

/** `whatsapp`, `ad`, `import`, `staff`, `staff:<typed>`, `lead:<id>` or `unknown`, in words. */
export function sourceLabel(source: string | null | undefined, leadSourceName?: string | null): string {
  if (!source || source === 'unknown') return t('source.unknown');
  if (source === 'whatsapp') return t('source.whatsapp');
  if (source === 'ad') return t('source.ad');
  if (source === 'import') return t('source.import');
  if (source === 'staff') return t('source.staff');
  if (source.startsWith('staff:')) return t('source.staffTyped', { what: source.slice('staff:'.length) });
  if (source.startsWith('lead:')) return t('source.lead', { name: leadSourceName || source.slice('lead:'.length) });
  return source;
}
