// The composer area: a Message / Internal note switch over the message
// composer and the note composer.
import { useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import { t } from '../i18n';
import { Composer } from './Composer';
import { NoteComposer } from './NoteComposer';

export function ComposerArea({ c }: { c: Contact }) {
  const [mode, setMode] = useState<'message' | 'note'>('message');
  return (
    <div class={`composer-area composer-area--${mode}`}>
      <div class="segmented composer-switch" role="group" aria-label={t('note.switch')}>
        {(['message', 'note'] as const).map((m) => (
          <button key={m} type="button" class={`seg${mode === m ? ' is-selected' : ''}`} aria-pressed={mode === m} data-testid={`compose-${m}`} onClick={() => setMode(m)}>
            {t(m === 'message' ? 'note.toMessage' : 'note.toNote')}
          </button>
        ))}
      </div>
      {mode === 'message' ? <Composer c={c} /> : <NoteComposer />}
    </div>
  );
}
