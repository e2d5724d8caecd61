// Reply buttons, a list or a form (a lead source's WhatsApp Flow), composed
// by staff inside the service window: the customer answers with a tap or
// the filled form, which lands in the conversation. The API checks Meta's
// limits (422 names the broken one); the form keeps to them.
import { useState } from 'preact/hooks';
import type { FlowForm } from '../api/leads';
import * as messagesApi from '../api/messages';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { FlowFormChoice } from './FlowFormChoice';
import { newKey } from './sendFile';
import { refreshConversation } from './store';

type Kind = 'buttons' | 'list' | 'form';
const MAX_BUTTONS = 3;
const MAX_ROWS = 10;

interface Frame {
  header: string;
  footer: string;
}

function body(kind: Kind, text: string, labels: string[], button: string, form: FlowForm | null, frame: Frame): messagesApi.SendBody {
  const filled = labels.map((l) => l.trim()).filter(Boolean);
  const action = kind === 'form' && form
    ? { kind: 'flow' as const, ...form.flow, token: form.source }
    : kind === 'buttons'
      ? { kind: 'buttons' as const, buttons: filled.map((title, i) => ({ id: `b${i + 1}`, title })) }
      : { kind: 'list' as const, button: button.trim(), sections: [{ rows: filled.map((title, i) => ({ id: `r${i + 1}`, title })) }] };
  const header = frame.header.trim() || null;
  const footer = frame.footer.trim() || null;
  return { type: 'interactive', interactive: { header, body: text.trim(), footer, action } };
}

const LABELS: Record<Kind, 'interactive.buttons' | 'interactive.list' | 'interactive.formKind'> = {
  buttons: 'interactive.buttons', list: 'interactive.list', form: 'interactive.formKind',
};

export function InteractiveComposer({ contactId, onDone }: { contactId: string; onDone: () => void }) {
  const [kind, setKind] = useState<Kind>('buttons');
  const [text, setText] = useState('');
  const [button, setButton] = useState('');
  const [labels, setLabels] = useState<string[]>(['', '', '']);
  const [form, setForm] = useState<FlowForm | null>(null);
  const [frame, setFrame] = useState<Frame>({ header: '', footer: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  const slots = kind === 'buttons' ? MAX_BUTTONS : kind === 'list' ? MAX_ROWS : 0;
  const shown = labels.slice(0, slots);
  const setLabel = (i: number, v: string) => setLabels((all) => all.map((l, j) => (j === i ? v : l)));
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await messagesApi.send(contactId, body(kind, text, shown, button, form, frame), newKey());
      setError('');
      await refreshConversation();
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="field-form interactive-form" data-testid="interactive-form" onSubmit={submit}>
      <fieldset>
        <legend>{t('interactive.kind')}</legend>
        {(['buttons', 'list', 'form'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="interactive-kind" value={k} checked={kind === k} data-testid={k === 'form' ? 'interactive-flow' : `interactive-${k}`}
              onChange={() => { setKind(k); setLabels((all) => [...all, ...Array(MAX_ROWS).fill('')].slice(0, MAX_ROWS)); }} />
            {t(LABELS[k])}
          </label>
        ))}
      </fieldset>
      <label for="interactive-header">{t('interactive.header')}</label>
      <input id="interactive-header" data-testid="interactive-header" maxLength={60} value={frame.header}
        onInput={(e) => setFrame({ ...frame, header: (e.currentTarget as HTMLInputElement).value })} />
      <label for="interactive-body">{t('interactive.body')}</label>
      <textarea id="interactive-body" data-testid="interactive-body" maxLength={1024} value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      {kind === 'list' ? (
        <>
          <label for="interactive-button">{t('interactive.listButton')}</label>
          <input id="interactive-button" data-testid="interactive-list-button" maxLength={20} value={button}
            onInput={(e) => setButton((e.currentTarget as HTMLInputElement).value)} />
        </>
      ) : null}
      <label for="interactive-footer">{t('interactive.footer')}</label>
      <input id="interactive-footer" data-testid="interactive-footer" maxLength={60} value={frame.footer}
        onInput={(e) => setFrame({ ...frame, footer: (e.currentTarget as HTMLInputElement).value })} />
      {kind === 'form' ? <FlowFormChoice value={form} onChange={setForm} /> : null}
      {shown.map((label, i) => (
        <div key={i} class="interactive-option">
          <label for={`interactive-option-${i}`}>{t('interactive.option', { n: i + 1 })}</label>
          <input id={`interactive-option-${i}`} data-testid="interactive-option" maxLength={kind === 'buttons' ? 20 : 24} value={label}
            onInput={(e) => setLabel(i, (e.currentTarget as HTMLInputElement).value)} />
        </div>
      ))}
      {error ? <p class="form-error" role="alert" data-testid="interactive-error">{error}</p> : null}
      <div class="form-actions">
        <button type="submit" class="button" data-testid="interactive-send" disabled={busy || !text.trim() || (kind === 'form' && !form)}>{t('interactive.send')}</button>
        <button type="button" class="button button--secondary" onClick={onDone}>{t('interactive.cancel')}</button>
      </div>
    </form>
  );
}
