// One business number's set-up, as an admin edits it: what staff call it,
// the number as customers dial it, its WABA and who takes its new
// conversations. A form opened before someone else's save is refused (409)
// and says so, keeping what was typed.
import { useState } from 'preact/hooks';
import type { User } from '../api/team';
import * as numbersApi from '../api/numbers';
import type { BusinessNumber } from '../api/numbers';
import { t } from '../i18n';
import { useError } from '../lib/useError';

interface Draft {
  name: string;
  display_phone: string;
  waba_id: string;
  default_owner: string;
}

const draftOf = (entry: BusinessNumber): Draft => ({
  name: entry.profile?.name ?? '',
  display_phone: entry.profile?.display_phone ?? '',
  waba_id: entry.profile?.waba_id ?? '',
  default_owner: entry.profile?.default_owner ?? '',
});

export function NumberForm({ entry, team, onSaved }: { entry: BusinessNumber; team: User[]; onSaved: (saved: BusinessNumber) => void }) {
  const [draft, setDraft] = useState<Draft>(draftOf(entry));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError, fail] = useError();
  const id = entry.phone_number_id;
  const field = (name: keyof Draft) => ({
    id: `number-${id}-${name}`,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  const run = async (action: () => Promise<BusinessNumber>, done: string) => {
    setBusy(true);
    setMessage('');
    try {
      const saved = await action();
      setError('');
      setMessage(done);
      setDraft(draftOf(saved));
      onSaved(saved);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void run(() => numbersApi.saveNumber(id, {
      name: draft.name,
      display_phone: draft.display_phone || null,
      waba_id: draft.waba_id || null,
      default_owner: draft.default_owner || null,
      expected_updated_at: entry.profile?.updated_at ?? null,
    }), t('common.save'));
  };
  const onRemove = () => {
    const profile = entry.profile;
    if (!profile || !confirm(t('numbers.removeConfirm', { name: profile.name }))) return;
    void run(async () => {
      await numbersApi.removeNumber(id, profile.updated_at);
      return { phone_number_id: id, profile: null };
    }, t('common.remove'));
  };
  const active = team.filter((u) => u.active);
  return (
    <form class="form number-form" data-testid="number-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
      <label for={`number-${id}-name`}>{t('panel.name')}</label>
      <input {...field('name')} data-testid="number-name" type="text" maxLength={40} required />
      <label for={`number-${id}-display_phone`}>{t('numbers.displayPhone')}</label>
      <input {...field('display_phone')} data-testid="number-display-phone" type="tel" autocomplete="off" placeholder="+91 98100 00000" />
      <label for={`number-${id}-waba_id`}>{t('numbers.waba')}</label>
      <input {...field('waba_id')} data-testid="number-waba" type="text" inputMode="numeric" autocomplete="off" />
      <label for={`number-${id}-default_owner`}>{t('numbers.defaultOwner')}</label>
      <select id={`number-${id}-default_owner`} data-testid="number-default-owner" value={draft.default_owner}
        onChange={(e) => setDraft({ ...draft, default_owner: (e.currentTarget as HTMLSelectElement).value })}>
        <option value="">{t('numbers.noDefaultOwner')}</option>
        {active.map((u) => <option key={u.email} value={u.email}>{u.name || u.email}</option>)}
        {draft.default_owner && !active.some((u) => u.email === draft.default_owner)
          ? <option value={draft.default_owner}>{draft.default_owner}</option> : null}
      </select>
      <div class="form-error" role="alert" data-testid="number-error">{error}</div>
      <p role="status" data-testid="number-message">{message}</p>
      <div class="form-actions">
        <button class="button button--primary" type="submit" data-testid="number-save" disabled={busy}>
          {entry.profile ? t('common.save') : t('common.add')}
        </button>
        {entry.profile ? (
          <button class="button" type="button" data-testid="number-remove" disabled={busy} onClick={onRemove}>{t('numbers.remove')}</button>
        ) : null}
      </div>
    </form>
  );
}
