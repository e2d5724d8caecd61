// An internal note in the timeline: staff-only text, marked as never sent.
import type { Note } from '../api/contacts';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';
import { str } from './model';
import { ownerLabel } from './store';

export function TimelineNote({ n }: { n: Note }) {
  const at = parseTime(n.at);
  const author = str(n.author);
  return (
    <li class="timeline-note" data-testid="timeline-note" data-note-id={String(n.id)}>
      <p class="timeline-note-label"><Icon name="shield" class="icon icon--tiny" /><span>{t('note.notSent')}</span></p>
      <p class="timeline-note-text" data-testid="timeline-note-text">{String(n.text ?? '')}</p>
      <p class="timeline-note-meta">
        {author ? ownerLabel(author) : t('panel.someone')}
        {at === null ? null : <> · <time dateTime={new Date(at).toISOString()}>{fmtFull(at)}</time></>}
      </p>
    </li>
  );
}
