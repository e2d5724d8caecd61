// Erase a contact's personal data (administrators): the button enables only
// once the contact's name (or ERASE, for an unnamed one) is typed.
import { useState } from 'preact/hooks';
import * as contactsApi from '../api/contacts';
import type { Contact } from '../api/contacts';
import { Modal } from '../components/Modal';
import { t } from '../i18n';
import { navigate } from '../lib/router';
import { useError } from '../lib/useError';
import { displayName, str } from './model';
import { backgroundError, changed, loadContacts, state } from './store';

/** What the administrator types to confirm. */
export const eraseWord = (c: Contact) => str(c.name)?.trim() || str(c.profile_name)?.trim() || 'ERASE';

export function EraseDialog({ c, onClose }: { c: Contact; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, , fail] = useError();
  const word = eraseWord(c);
  const erase = async () => {
    setBusy(true);
    try {
      await contactsApi.erase(c.id);
      state.contacts.delete(c.id);
      state.list = state.list.filter((x) => x !== c.id);
      changed();
      onClose();
      navigate({ name: 'inbox', contact: null });
      loadContacts().catch(backgroundError);
    } catch (e) {
      fail(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('actions.eraseTitle', { name: displayName(c) })} onClose={onClose} testId="erase-dialog">
      <p>{t('actions.eraseExplain')}</p>
      <label for="erase-confirm-input">{t('actions.eraseType', { word })}</label>
      <input id="erase-confirm-input" type="text" autocomplete="off" data-testid="erase-input" value={typed}
        onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
      <div class="modal-actions">
        <button type="button" class="button button--ghost" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" class="button button--danger" data-testid="erase-confirm" disabled={busy || typed.trim() !== word} onClick={erase}>
          {t('actions.erase')}
        </button>
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
    </Modal>
  );
}
