// An internal note in the timeline: staff-only text, marked as never sent.
// A call staff logged reads as who called and how it went, then their notes.
import type { Note } from '../api/contacts';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';
import { callLogLine } from './calls';
import { str } from './model';
import { ownerLabel } from './store';

/** Who wrote the note, by name once the team has loaded. */
export function noteAuthor(n: Note): string {
  const author = str(n.author);
  return author ? ownerLabel(author) : t('panel.someone');
}

/**
 * `who` comes from the parent (`noteAuthor`): the name follows the team's
 * load, which a component reading signals would not re-render for.
 */
export function TimelineNote({ n, who }: { n: Note; who: string }) {
  const at = parseTime(n.at);
  const when = at === null ? null : <time dateTime={new Date(at).toISOString()}>{fmtFull(at)}</time>;
  const text = String(n.text ?? '');
  const call = callLogLine(n, who);
  if (call !== null) {
    return (
      <li class="timeline-note timeline-note--call" data-testid="call-log" data-note-id={String(n.id)} data-outcome={String(n.call?.outcome ?? '')}>
        <p class="timeline-note-label"><Icon name="phone" class="icon icon--tiny" /><span data-testid="call-log-line">{call}</span></p>
        {text.trim() ? <p class="timeline-note-text" data-testid="call-log-notes">{text}</p> : null}
        {when ? <p class="timeline-note-meta">{when}</p> : null}
      </li>
    );
  }
  return (
    <li class="timeline-note" data-testid="timeline-note" data-note-id={String(n.id)}>
      <p class="timeline-note-label"><Icon name="shield" class="icon icon--tiny" /><span>{t('note.notSent')}</span></p>
      <p class="timeline-note-text" data-testid="timeline-note-text">{text}</p>
      <p class="timeline-note-meta">
        {who}
        {when ? <> · {when}</> : null}
      </p>
    </li>
  );
}
