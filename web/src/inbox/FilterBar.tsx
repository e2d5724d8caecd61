// The filter bar above the inbox list: owner, tag and business number, kept in the URL.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { businessNumbers, loadBusinessNumbers, numberLabel } from '../lib/numbers';
import { isManager, user } from '../lib/session';
import { filters, hasFilters, NO_FILTERS, normalizeTag, setFilters } from './filters';
import { state } from './store';

interface Choice {
  value: string;
  label: string;
}

function ownerChoices(current: string): Choice[] {
  const me = user.value?.email ?? '';
  const choices: Choice[] = [{ value: '', label: t('filters.anyOwner') }];
  if (me) choices.push({ value: me, label: t('filters.mine') });
  choices.push({ value: 'unassigned', label: t('owner.unassigned') });
  // Agents only see their own and unassigned conversations: only managers pick a teammate.
  if (isManager()) {
    for (const u of state.users) if (u.email !== me) choices.push({ value: u.email, label: u.name || u.email });
  }
  if (current && !choices.some((c) => c.value === current)) choices.push({ value: current, label: current });
  return choices;
}

/** The business numbers known or seen in the loaded contacts (and the one filtered by), by what staff call them. */
function numberChoices(current: string): Choice[] {
  const seen = new Set<string>(businessNumbers.value.map((n) => n.phone_number_id));
  for (const c of state.contacts.values()) if (c.phone_number_id) seen.add(c.phone_number_id);
  if (current) seen.add(current);
  return [...seen].map((id) => ({ value: id, label: numberLabel(id) })).sort((a, b) => a.label.localeCompare(b.label));
}

export function FilterBar() {
  const f = filters.value;
  const [tag, setTag] = useState(f.tag);
  useEffect(() => setTag(f.tag), [f.tag]);
  useEffect(() => { void loadBusinessNumbers(); }, []);
  const numbers = numberChoices(f.number);
  const applyTag = () => setFilters({ ...filters.value, tag });
  return (
    <div class="filter-bar" role="group" aria-label={t('filters.label')} data-testid="filter-bar">
      <div class="filter">
        <label for="filter-owner">{t('filters.owner')}</label>
        <select id="filter-owner" data-testid="filter-owner" value={f.owner}
          onChange={(e) => setFilters({ ...filters.value, owner: (e.currentTarget as HTMLSelectElement).value })}>
          {ownerChoices(f.owner).map((c) => <option value={c.value} key={c.value}>{c.label}</option>)}
        </select>
      </div>
      <form class="filter" onSubmit={(e) => { e.preventDefault(); applyTag(); }}>
        <label for="filter-tag">{t('filters.tag')}</label>
        <input id="filter-tag" data-testid="filter-tag" type="text" autocomplete="off" spellcheck={false} placeholder={t('filters.tagPlaceholder')}
          value={tag} onInput={(e) => setTag(normalizeTag((e.currentTarget as HTMLInputElement).value))} onBlur={applyTag} />
      </form>
      {numbers.length > 1 ? (
        <div class="filter">
          <label for="filter-number">{t('filters.number')}</label>
          <select id="filter-number" data-testid="filter-number" value={f.number}
            onChange={(e) => setFilters({ ...filters.value, number: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('filters.anyNumber')}</option>
            {numbers.map((n) => <option value={n.value} key={n.value}>{n.label}</option>)}
          </select>
        </div>
      ) : null}
      {hasFilters(f) ? (
        <button type="button" class="button button--secondary filter-clear" data-testid="filter-clear" onClick={() => setFilters(NO_FILTERS)}>
          {t('filters.clear')}
        </button>
      ) : null}
    </div>
  );
}
