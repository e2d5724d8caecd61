// Other records of the same person (they wrote with ids that two contacts
// held): a manager or admin merges each into the open contact in one click;
// an agent is told that a manager can.
import { useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import { t } from '../i18n';
import { isManager } from '../lib/session';
import { mergeSuggested } from './store';

export function MergeSuggestions({ c }: { c: Contact }) {
  const [busy, setBusy] = useState<string | null>(null);
  const others = Array.isArray(c.merge_suggested) ? c.merge_suggested.filter((id) => typeof id === 'string') : [];
  if (!others.length) return null;
  const merge = async (other: string) => {
    setBusy(other);
    try {
      await mergeSuggested(other);
    } finally {
      setBusy(null);
    }
  };
  return (
    <ul class="merge-suggestions" data-testid="merge-suggestions">
      {others.map((other) => (
        <li class="merge-suggestion" data-testid="merge-suggestion" key={other}>
          <span>{t('panel.samePerson')} </span>
          {isManager() ? (
            <button type="button" class="link-button" data-testid="merge-suggested" disabled={busy !== null} onClick={() => merge(other)}>
              {t('panel.mergeIt')}
            </button>
          ) : (
            <span>{t('panel.managerCanMerge')}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
