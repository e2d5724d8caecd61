// Writing an internal note from the composer area: staff-only, never sent.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { addNote, state } from './store';

export function NoteComposer() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    try {
      if (await addNote(body)) setText('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="composer composer--note" data-testid="note-composer" novalidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      <p class="internal-label" id="note-composer-hint">{t('note.notSent')}</p>
      <label class="visually-hidden" for="note-composer-input">{t('panel.newNote')}</label>
      <textarea id="note-composer-input" class="composer-input" rows={2} maxLength={4000} placeholder={t('panel.notePlaceholder')}
        aria-describedby="note-composer-hint" data-testid="note-composer-input" value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      <button class="button button--secondary" type="submit" data-testid="note-composer-add" disabled={busy || !text.trim()}>{t('panel.addNote')}</button>
      <div class="composer-error" role="alert">{state.panelError}</div>
    </form>
  );
}
