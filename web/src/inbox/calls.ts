// Calls in words: a customer's WhatsApp call on the timeline, and the calls
// staff make and log (kept as notes). No DOM here.
import type { CallOutcome, Note } from '../api/contacts';
import { t } from '../i18n';
import type { Key } from '../i18n/en';

const OUTCOME_KEYS: Record<CallOutcome, Key> = {
  connected: 'call.connected',
  no_answer: 'call.noAnswer',
  busy: 'call.busy',
  wrong_number: 'call.wrongNumber',
};

export const outcomeLabel = (o: CallOutcome): string => (OUTCOME_KEYS[o] ? t(OUTCOME_KEYS[o]) : String(o).replace(/_/g, ' '));

/** "45 s", "2 min", "2 min 20 s", "1 h 5 min"; null for no (or a nonsense) duration. */
export function callDuration(seconds: unknown): string | null {
  const n = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : null;
  if (n === null) return null;
  if (n < 60) return t('call.seconds', { s: n });
  if (n >= 3600) return t('call.hourMin', { h: Math.floor(n / 3600), m: Math.floor((n % 3600) / 60) });
  const m = Math.floor(n / 60);
  const s = n % 60;
  return s ? t('call.minSec', { m, s }) : t('call.minutes', { m });
}

/** "You called · No answer", "Ravi called · Connected · 4 min" for a call log; null for a plain note. */
export function callLogLine(n: Note, who: string): string | null {
  if (!n.call) return null;
  const line = t('call.logLine', { who, outcome: outcomeLabel(n.call.outcome) });
  const duration = n.call.outcome === 'connected' ? callDuration(n.call.duration_seconds) : null;
  return duration ? `${line} · ${duration}` : line;
}
