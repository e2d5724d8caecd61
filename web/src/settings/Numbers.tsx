// Settings → Numbers: every WhatsApp number the deployment knows. Admins
// name each, note its WABA and who takes its new conversations, and add a
// number before its first customer writes; everyone else reads.
import { useEffect, useState } from 'preact/hooks';
import * as numbersApi from '../api/numbers';
import type { BusinessNumber } from '../api/numbers';
import * as teamApi from '../api/team';
import type { User } from '../api/team';
import { items } from '../api/client';
import { t } from '../i18n';
import { setBusinessNumbers } from '../lib/numbers';
import { isAdmin } from '../lib/session';
import { useError } from '../lib/useError';
import { Accounts } from './Accounts';
import { NumberForm } from './NumberForm';

function ReadOnlyNumber({ entry }: { entry: BusinessNumber }) {
  const p = entry.profile;
  if (!p) return <p class="muted" data-testid="number-not-set-up">{t('numbers.noDefaultOwner')}</p>;
  return (
    <dl class="hours-read" data-testid="number-read">
      <dt>{t('numbers.displayPhone')}</dt>
      <dd>{p.display_phone ?? '—'}</dd>
      <dt>{t('numbers.waba')}</dt>
      <dd>{p.waba_id ?? '—'}</dd>
      <dt>{t('numbers.defaultOwner')}</dt>
      <dd data-testid="number-read-owner">{p.default_owner ?? t('numbers.noDefaultOwner')}</dd>
    </dl>
  );
}

function AddNumber({ onAdd }: { onAdd: (id: string) => void }) {
  const [id, setId] = useState('');
  const valid = /^\d{1,32}$/.test(id.trim());
  return (
    <form class="form number-add" data-testid="number-add" novalidate onSubmit={(e) => { e.preventDefault(); if (valid) { onAdd(id.trim()); setId(''); } }}>
      <label for="number-add-id">{t('numbers.addId')}</label>
      <input id="number-add-id" data-testid="number-add-id" type="text" inputMode="numeric" autocomplete="off" value={id}
        onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)} />
      <div class="form-actions">
        <button class="button" type="submit" data-testid="number-add-go" disabled={!valid}>{t('common.add')}</button>
      </div>
    </form>
  );
}

export function Numbers() {
  const [list, setList] = useState<BusinessNumber[] | null>(null);
  const [team, setTeam] = useState<User[]>([]);
  const [error, , fail] = useError();
  const editable = isAdmin();
  useEffect(() => {
    numbersApi.numbers().then((l) => setList(l.items)).catch(fail);
    if (editable) teamApi.users().then((page) => setTeam(items(page))).catch(fail);
  }, []);
  const [saves, setSaves] = useState(0);
  const replace = (saved: BusinessNumber) => {
    const next = (list ?? []).map((n) => (n.phone_number_id === saved.phone_number_id ? saved : n));
    setList(next);
    setBusinessNumbers(next);
    setSaves((n) => n + 1);
  };
  const add = (id: string) => {
    if ((list ?? []).some((n) => n.phone_number_id === id)) return;
    setList([{ phone_number_id: id, profile: null }, ...(list ?? [])]);
  };
  return (
    <section class="settings-section" aria-labelledby="numbers-heading" data-testid="settings-numbers">
      <h2 id="numbers-heading" class="side-heading">{t('numbers.title')}</h2>
      <p class="muted">{t('numbers.note')}</p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {editable ? <AddNumber onAdd={add} /> : null}
      {(list ?? []).map((entry) => (
        <section key={entry.phone_number_id} class="hours-number" data-testid="number-entry" data-number={entry.phone_number_id}
          aria-labelledby={`number-title-${entry.phone_number_id}`}>
          <h3 id={`number-title-${entry.phone_number_id}`} class="hours-number-title">
            {entry.profile ? `${entry.profile.name} · ${entry.phone_number_id}` : t('hours.number', { number: entry.phone_number_id })}
          </h3>
          {editable ? <NumberForm entry={entry} team={team} onSaved={replace} /> : <ReadOnlyNumber entry={entry} />}
        </section>
      ))}
      {editable ? <Accounts revision={saves} /> : null}
    </section>
  );
}
