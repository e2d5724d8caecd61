// Settings → Business hours: each WhatsApp number's time zone, weekly
// openings and holidays. The away message fires only while a number is
// closed, so this is where it is made to work. Admins edit; the rest read.
import { useEffect, useState } from 'preact/hooks';
import * as hoursApi from '../api/hours';
import type { BusinessHours as Hours, NumberHours } from '../api/hours';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { business } from '../lib/business';
import { href } from '../lib/router';
import { isAdmin } from '../lib/session';
import { useError } from '../lib/useError';
import { DayHours } from './DayHours';
import { Holidays } from './Holidays';
import { TimeZoneSelect } from './TimeZoneSelect';

/** A number as an element id part (ids must not carry spaces or symbols). */
const domId = (number: string) => number.replace(/[^A-Za-z0-9_-]/g, '_');

/** Monday first, as the API orders `weekly`. */
const DAYS: Key[] = ['hours.mon', 'hours.tue', 'hours.wed', 'hours.thu', 'hours.fri', 'hours.sat', 'hours.sun'];

/** Where an admin starts for a number without hours: every day closed until they add openings. */
const blank = (): Hours => ({ time_zone: business.value.time_zone || 'Asia/Kolkata', weekly: DAYS.map(() => []), holidays: [] });

/** What is sent: seven days, and holidays without an empty name. */
const toSave = (draft: Hours): Hours => ({
  ...draft,
  holidays: (draft.holidays ?? []).map((h) => (h.name?.trim() ? { date: h.date, name: h.name.trim() } : { date: h.date })),
});

function ReadOnlyHours({ hours }: { hours: Hours | null }) {
  if (!hours) return <p class="muted" data-testid="hours-always-open">{t('hours.alwaysOpen')}</p>;
  return (
    <dl class="hours-read" data-testid="hours-read">
      <dt>{t('hours.timeZone')}</dt>
      <dd data-testid="hours-read-zone">{hours.time_zone}</dd>
      {DAYS.map((day, i) => {
        const openings = hours.weekly[i] ?? [];
        return [
          <dt key={`${day}-t`}>{t(day)}</dt>,
          <dd key={`${day}-d`} data-testid="hours-read-day">{openings.length ? openings.map((o) => `${o.open}–${o.close}`).join(', ') : t('hours.closed')}</dd>,
        ];
      })}
      <dt>{t('hours.holidays')}</dt>
      <dd data-testid="hours-read-holidays">
        {(hours.holidays ?? []).length ? (hours.holidays ?? []).map((h) => (h.name ? `${h.date} (${h.name})` : h.date)).join(', ') : t('hours.noHolidays')}
      </dd>
    </dl>
  );
}

function NumberHoursForm({ entry, onSaved }: { entry: NumberHours; onSaved: (saved: NumberHours) => void }) {
  const [draft, setDraft] = useState<Hours>(entry.hours ?? blank());
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError, fail] = useError();
  const prefix = `hours-${domId(entry.number)}`;
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      const saved = await hoursApi.saveBusinessHours(entry.number, toSave(draft));
      setError('');
      setMessage(t('hours.saved'));
      if (saved.hours) setDraft(saved.hours);
      onSaved(saved);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const onClear = async () => {
    if (!confirm(t('hours.clearConfirm', { number: entry.number }))) return;
    setBusy(true);
    setMessage('');
    try {
      const cleared = await hoursApi.clearBusinessHours(entry.number);
      setError('');
      setMessage(t('hours.cleared'));
      setDraft(blank());
      onSaved(cleared);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form hours-form" data-testid="hours-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
      {!entry.hours ? <p class="muted" data-testid="hours-always-open">{t('hours.alwaysOpen')}</p> : null}
      <TimeZoneSelect id={`${prefix}-zone`} value={draft.time_zone} onChange={(time_zone) => setDraft({ ...draft, time_zone })} />
      <div class="hours-week">
        {DAYS.map((day, i) => (
          <DayHours key={day} idPrefix={`${prefix}-d${i}`} day={t(day)} openings={draft.weekly[i] ?? []}
            onChange={(openings) => setDraft({ ...draft, weekly: draft.weekly.map((d, j) => (j === i ? openings : d)) })} />
        ))}
      </div>
      <Holidays idPrefix={`${prefix}-h`} holidays={draft.holidays ?? []} onChange={(holidays) => setDraft({ ...draft, holidays })} />
      <div class="form-error" role="alert" data-testid="hours-error">{error}</div>
      <p role="status" data-testid="hours-message">{message}</p>
      <div class="form-actions">
        <button class="button button--primary" type="submit" data-testid="hours-save" disabled={busy}>{t('hours.save')}</button>
        {entry.hours ? (
          <button class="button" type="button" data-testid="hours-clear" disabled={busy} onClick={onClear}>{t('hours.clear')}</button>
        ) : null}
      </div>
    </form>
  );
}

export function BusinessHours() {
  const [list, setList] = useState<NumberHours[] | null>(null);
  const [error, , fail] = useError();
  useEffect(() => { hoursApi.businessHours().then((l) => setList(l.items)).catch(fail); }, []);
  const editable = isAdmin();
  return (
    <section class="settings-section" aria-labelledby="hours-heading" data-testid="settings-hours">
      <h2 id="hours-heading" class="side-heading">{t('hours.title')}</h2>
      <p class="muted">{t('hours.note')}</p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list && list.length === 0 ? (
        <p class="muted" data-testid="hours-no-numbers">
          {t('hours.noNumbers')} <a href={href({ name: 'settings', section: 'business' })}>{t('hours.setNumber')}</a>
        </p>
      ) : null}
      {(list ?? []).map((entry) => (
        <section key={entry.number} class="hours-number" data-testid="hours-number" aria-labelledby={`hours-number-${domId(entry.number)}`}>
          <h3 id={`hours-number-${domId(entry.number)}`} class="hours-number-title">{t('hours.number', { number: entry.number })}</h3>
          {editable
            ? <NumberHoursForm entry={entry} onSaved={(saved) => setList((l) => (l ?? []).map((x) => (x.number === saved.number ? saved : x)))} />
            : <ReadOnlyHours hours={entry.hours} />}
        </section>
      ))}
    </section>
  );
}
