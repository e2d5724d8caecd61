// The composer's attach button and the file it is about to send: a photo,
// document, audio or video, with a caption, uploaded and sent on "Send".
import { useRef, useState } from 'preact/hooks';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { refreshSoon } from './store';
import { sendFile } from './sendFile';

const ACCEPT = 'image/jpeg,image/png,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx,audio/aac,audio/amr,audio/mpeg,audio/mp4,audio/ogg,video/mp4,video/3gpp';

export function AttachFile({ contactId, disabled }: { contactId: string; disabled: boolean }) {
  const picker = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [sent, setSent] = useState(false);

  const reset = () => {
    setFile(null);
    setCaption('');
    if (picker.current) picker.current.value = '';
  };
  const send = async () => {
    if (!file || busy) return;
    setBusy(true);
    setError('');
    try {
      await sendFile(contactId, { file, caption });
      reset();
      setSent(true);
      refreshSoon();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="attach" data-testid="attach">
      <input ref={picker} id="attach-input" class="visually-hidden" type="file" accept={ACCEPT} data-testid="attach-input" tabIndex={-1}
        aria-hidden="true" onChange={(e) => {
          const chosen = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
          setFile(chosen);
          setError('');
          setSent(false);
        }} />
      <button type="button" class="button button--ghost attach-button" data-testid="attach-button" disabled={disabled || busy}
        aria-label={t('attach.button')} title={t('attach.button')} onClick={() => picker.current?.click()}>
        <Icon name="attach" /><span class="attach-button-text">{t('attach.short')}</span>
      </button>
      {file ? (
        <form class="attach-panel" data-testid="attach-panel" aria-busy={busy ? 'true' : undefined} onSubmit={(e) => { e.preventDefault(); send(); }}>
          <span class="attach-name" data-testid="attach-name">{file.name}</span>
          <label class="visually-hidden" for="attach-caption">{t('attach.caption')}</label>
          <input id="attach-caption" class="attach-caption" type="text" maxLength={1024} placeholder={t('attach.caption')} data-testid="attach-caption"
            value={caption} readOnly={busy} onInput={(e) => setCaption((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit" class="button button--primary" data-testid="attach-send" disabled={busy}>
            {busy ? t('attach.sending') : t('attach.send')}
          </button>
          <button type="button" class="button button--ghost" data-testid="attach-cancel" disabled={busy} onClick={() => { reset(); setError(''); }}>
            {t('attach.cancel')}
          </button>
        </form>
      ) : null}
      <div class="composer-error" data-testid="attach-error" role="alert">{error}</div>
      {sent ? <div class="send-result" data-testid="attach-sent" role="status">{t('attach.sent')}</div> : null}
    </div>
  );
}
