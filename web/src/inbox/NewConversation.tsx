// "New lead": a phone number, with an optional name, tags, where the lead
// came from, what they agreed to receive (their opt-in, recorded as given on
// this form) and (for managers) its owner, becomes a contact, normalized by
// the API with the business's default country; the conversation then
// opens, where only templates are offered until the customer writes.
import { useEffect, useState } from 'preact/hooks';
import * as businessApi from '../api/business';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { navigate } from '../lib/router';
import { useError } from '../lib/useError';
import { business } from '../lib/business';
import { isManager } from '../lib/session';
import type { ConsentCategory } from '../api/consent';
import { ConsentChoices } from './ConsentChoices';
import { backgroundError, keepLoadingTeam, loadContacts, state } from './store';

/** Sources most small shops' leads come from; any other can be typed. */
const SOURCES = ['walk_in', 'phone_call', 'website', 'referral', 'instagram', 'facebook', 'indiamart', 'exhibition'];

export function NewConversation() {
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [source, setSource] = useState('');
  const [owner, setOwner] = useState('');
  const [consent, setConsent] = useState<ConsentCategory[]>([]);
  const [busy, setBusy] = useState(false);
  const manager = isManager();
  const [error, setError, fail] = useError();
  // The owners come from the team, which the inbox may have failed to load.
  useEffect(() => (open && manager ? keepLoadingTeam(() => setError(t('newConv.teamUnavailable'))) : undefined), [open && manager]);
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
      const contact = await businessApi.addContact({
        phone: phone.trim(),
        name: name.trim() || null,
        tags: tags.split(',').map((x) => x.trim()).filter(Boolean),
        source: source.trim() || null,
        owner: owner || null,
        consent,
      });
      setPhone('');
      setName('');
      setTags('');
      setSource('');
      setOwner('');
      setConsent([]);
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
      <div class="field">
        <label for="new-conversation-tags">{t('newConv.tags')}</label>
        <input id="new-conversation-tags" type="text" autocomplete="off" data-testid="new-conversation-tags" aria-describedby="new-conversation-tags-hint"
          value={tags} onInput={(e) => setTags((e.currentTarget as HTMLInputElement).value)} />
        <p id="new-conversation-tags-hint" class="muted">{t('newConv.tagsHint')}</p>
      </div>
      <div class="field">
        <label for="new-conversation-source">{t('newConv.source')}</label>
        <input id="new-conversation-source" type="text" autocomplete="off" list="new-conversation-sources" data-testid="new-conversation-source"
          value={source} onInput={(e) => setSource((e.currentTarget as HTMLInputElement).value)} />
        <datalist id="new-conversation-sources">{SOURCES.map((s) => <option key={s} value={s} />)}</datalist>
      </div>
      <ConsentChoices id="new-conversation" value={consent} onChange={setConsent} />
      {manager ? (
        <div class="field">
          <label for="new-conversation-owner">{t('newConv.owner')}</label>
          <select id="new-conversation-owner" data-testid="new-conversation-owner" value={owner} onChange={(e) => setOwner((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('newConv.unassigned')}</option>
            {state.users.filter((u) => u.active !== false).map((u) => <option key={u.email} value={u.email}>{u.name?.trim() ? u.name : u.email}</option>)}
          </select>
        </div>
      ) : null}
      <div class="form-error" role="alert" data-testid="new-conversation-error">{error}</div>
      <div class="form-actions">
        <button class="button button--primary" type="submit" data-testid="new-conversation-submit" disabled={busy}>{busy ? t('newConv.adding') : t('newConv.submit')}</button>
        <button class="button button--secondary" type="button" onClick={close}>{t('newConv.cancel')}</button>
      </div>
    </form>
  );
}
