// "New conversation": a phone number (and an optional name) becomes a
// contact, normalized by the API with the business's default country; the
// conversation then opens, where only templates are offered until the
// customer writes.
import { useState } from 'preact/hooks';
import * as businessApi from '../api/business';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { navigate } from '../lib/router';
import { useError } from '../lib/useError';
import { business } from '../lib/business';
import { backgroundError, loadContacts } from './store';

export function NewConversation() {
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  const close = () => {
    setOpen(false);
    setError('');
  };
  if (!open) {
    return (
      <button type="button" class="button button--secondary new-conversation-open" data-testid="new-conversation" onClick={() => setOpen(true)}>
        <Icon name="plus" class="icon icon--small" />{t('newConv.open')}
      </button>
    );
  }
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!phone.trim()) {
      setError(t('newConv.phoneRequired'));
      return;
    }
    setBusy(true);
    try {
      const contact = await businessApi.addContact(phone.trim(), name.trim() || null);
      setPhone('');
      setName('');
      close();
      loadContacts().catch(backgroundError);
      navigate({ name: 'inbox', contact: String(contact.id) });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form new-conversation" data-testid="new-conversation-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}
      onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
      <div class="field">
        <label for="new-conversation-phone">{t('newConv.phone')}</label>
        <input id="new-conversation-phone" type="tel" inputMode="tel" autocomplete="off" required data-testid="new-conversation-phone"
          aria-describedby="new-conversation-hint" value={phone} autoFocus onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)} />
        <p id="new-conversation-hint" class="muted">{t('newConv.hint', { country: business.value.country })}</p>
      </div>
      <div class="field">
        <label for="new-conversation-name">{t('newConv.name')}</label>
        <input id="new-conversation-name" type="text" autocomplete="off" data-testid="new-conversation-name"
          value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="form-error" role="alert" data-testid="new-conversation-error">{error}</div>
      <div class="form-actions">
        <button class="button button--primary" type="submit" data-testid="new-conversation-submit" disabled={busy}>{busy ? t('newConv.adding') : t('newConv.submit')}</button>
        <button class="button button--secondary" type="button" onClick={close}>{t('newConv.cancel')}</button>
      </div>
    </form>
  );
}
