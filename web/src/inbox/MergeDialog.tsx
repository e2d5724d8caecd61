// Merge another contact into the open one: search, pick, confirm naming both.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as contactsApi from '../api/contacts';
import type { Contact } from '../api/contacts';
import { Modal } from '../components/Modal';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { displayName, secondaryLine } from './model';
import { mergeSuggested, state } from './store';

export function MergeDialog({ c, onClose }: { c: Contact; onClose: () => void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Contact[] | null>(null);
  const [picked, setPicked] = useState<Contact | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setFound(null);
      return undefined;
    }
    let live = true;
    const timer = setTimeout(() => {
      contactsApi.searchContacts(text)
        .then((page) => { if (live) { setFound(items(page).filter((x) => x.id !== c.id)); setError(''); } })
        .catch((e) => { if (live) fail(e); });
    }, 250);
    return () => { live = false; clearTimeout(timer); };
  }, [q]);
  const merge = async () => {
    if (!picked) return;
    setBusy(true);
    const ok = await mergeSuggested(picked.id);
    setBusy(false);
    if (ok) onClose();
    else setError(state.panelError || t('app.unreachable'));
  };
  return (
    <Modal title={t('actions.mergeTitle', { name: displayName(c) })} onClose={onClose} testId="merge-dialog">
      {!picked ? (
        <>
          <label for="merge-search">{t('actions.mergeSearch')}</label>
          <input id="merge-search" type="search" autocomplete="off" data-testid="merge-search" value={q}
            onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
          {found && found.length === 0 ? <p class="muted" data-testid="merge-none">{t('actions.mergeNone')}</p> : null}
          <ul class="pick-list" data-testid="merge-results">
            {(found ?? []).map((x) => (
              <li key={x.id}>
                <button type="button" class="pick" data-testid="merge-pick" data-contact-id={x.id} onClick={() => setPicked(x)}>
                  <span class="pick-name">{displayName(x)}</span>
                  <span class="pick-meta">{secondaryLine(x)}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <p data-testid="merge-confirm-text">{t('actions.mergeConfirm', { from: displayName(picked), into: displayName(c) })}</p>
          <div class="modal-actions">
            <button type="button" class="button button--ghost" onClick={() => setPicked(null)}>{t('actions.back')}</button>
            <button type="button" class="button button--primary" data-testid="merge-confirm" disabled={busy} onClick={merge}>{t('actions.merge')}</button>
          </div>
        </>
      )}
      {error ? <p class="form-error" role="alert">{error}</p> : null}
    </Modal>
  );
}
