// Logging a call just made (the dialer flow: tap the number, call, note how
// it went): the outcome, how long they talked (a connected call only), notes,
// and when to call again, which becomes the caller's follow-up. A WhatsApp
// call answered in the browser opens it filled in with what was measured.
import { useState } from 'preact/hooks';
import type { CallOutcome, NewCallLog } from '../api/contacts';
import { t } from '../i18n';
import { callDuration, outcomeLabel } from './calls';
import { logCall } from './store';

const OUTCOMES: CallOutcome[] = ['connected', 'no_answer', 'busy', 'wrong_number'];
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

/** A `datetime-local` value ("2026-11-24T10:00") as RFC 3339 with the browser's offset ("2026-11-24T10:00:00+05:30"). */
function rfc3339(local: string): string | null {
  const at = new Date(local);
  if (!local || Number.isNaN(at.getTime())) return null;
  const pad = (x: number) => String(Math.trunc(Math.abs(x))).padStart(2, '0');
  const offset = -at.getTimezoneOffset();
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  return `${date}T${time}${offset >= 0 ? '+' : '-'}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** Minutes to one decimal, as the form shows a measured duration. */
const minutesOf = (seconds: number) => String(Math.round(seconds / 6) / 10);

interface Props {
  onCancel: () => void;
  onLogged: (message: string) => void;
  /** The outcome already known (a call answered in the browser connected). */
  outcome?: CallOutcome;
  /** The length measured in the browser: logged to the second unless the agent edits the minutes. */
  durationSeconds?: number;
  /** Where the log goes; the open conversation by default. */
  log?: typeof logCall;
  /** Keeps the fields' ids apart when two forms are on the page. */
  idPrefix?: string;
}

export function CallLogForm({ onCancel, onLogged, outcome: knownOutcome, durationSeconds, log = logCall, idPrefix = 'call' }: Props) {
  const measured = durationSeconds === undefined ? null : { seconds: durationSeconds, minutes: minutesOf(durationSeconds) };
  const [outcome, setOutcome] = useState<CallOutcome | null>(knownOutcome ?? null);
  const [minutes, setMinutes] = useState(measured?.minutes ?? '');
  const [notes, setNotes] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const connected = outcome === 'connected';
  const measuredLength = measured ? callDuration(measured.seconds) : null;
  const measuredText = measuredLength ? t('calls.measured', { duration: measuredLength }) : '';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!outcome) return setError(t('call.pickOutcome'));
    const body: NewCallLog = { outcome };
    if (connected && measured && minutes === measured.minutes) {
      body.duration_seconds = measured.seconds;
    } else if (connected && minutes.trim()) {
      const m = Number(minutes);
      if (!Number.isFinite(m) || m < 0) return setError(t('call.durationInvalid'));
      body.duration_seconds = Math.round(m * 60);
    }
    if (notes.trim()) body.notes = notes.trim();
    if (again) {
      const at = rfc3339(again);
      if (!at) return setError(t('call.againInvalid'));
      body.follow_up_at = at;
    }
    setError('');
    setBusy(true);
    try {
      const answer = await log(body);
      if ('error' in answer) {
        setError(answer.error ? t('call.failed', { message: answer.error }) : '');
        return;
      }
      const task = answer.logged.follow_up;
      onLogged(task ? t('call.loggedFollowUp', { title: task.title }) : t('call.logged'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="call-log-form" data-testid="call-log-form" novalidate onSubmit={submit} aria-busy={busy ? 'true' : undefined}>
      <fieldset class="call-outcomes">
        <legend>{t('call.outcome')}</legend>
        {OUTCOMES.map((o) => (
          <label class="call-outcome" key={o}>
            <input type="radio" name={`${idPrefix}-outcome`} value={o} data-testid="call-outcome" checked={outcome === o}
              onChange={() => { setOutcome(o); setError(''); }} />
            {outcomeLabel(o)}
          </label>
        ))}
      </fieldset>
      <label for={`${idPrefix}-duration`}>{t('call.duration')}</label>
      <input id={`${idPrefix}-duration`} type="number" min="0" step={measured ? 'any' : '1'} inputMode={measured ? 'decimal' : 'numeric'} data-testid="call-duration"
        disabled={!connected} value={connected ? minutes : ''} onInput={(e) => setMinutes(val(e))}
        aria-describedby={measuredText ? `${idPrefix}-measured` : undefined} />
      {measuredText ? <p class="call-measured muted" id={`${idPrefix}-measured`} data-testid="call-measured">{measuredText}</p> : null}
      <label for={`${idPrefix}-notes`}>{t('call.notes')}</label>
      <textarea id={`${idPrefix}-notes`} rows={2} maxLength={4000} data-testid="call-notes" value={notes}
        onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)} />
      <label for={`${idPrefix}-again`}>{t('call.again')}</label>
      <input id={`${idPrefix}-again`} type="datetime-local" data-testid="call-again" value={again} onInput={(e) => setAgain(val(e))} />
      <div class="form-error" role="alert" data-testid="call-log-error">{error}</div>
      <div class="form-actions">
        <button class="button button--small button--primary" type="submit" data-testid="call-log-save" disabled={busy}>{t('call.save')}</button>
        <button class="button button--small button--ghost" type="button" data-testid="call-log-cancel" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
