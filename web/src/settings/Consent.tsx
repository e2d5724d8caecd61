// Settings → Consent: strict mode (offers only to contacts with a marketing
// opt-in on record) and, per language, the words customers send to opt out
// or back in and the reply each gets once. Managers and admins edit it;
// everyone else reads it.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as consentApi from '../api/consent';
import type { ConsentPolicy, KeywordLanguage } from '../api/consent';
import { t } from '../i18n';
import { isManager } from '../lib/session';
import { useError } from '../lib/useError';
import { KeywordLanguageEditor } from './KeywordLanguageEditor';

const blankLanguage = (): KeywordLanguage => ({ language: '', opt_out: [], opt_in: [], opt_out_reply: '', opt_in_reply: '' });

export function Consent() {
  const [draft, setDraft] = useState<ConsentPolicy | null>(null);
  // A stable key per language row, so removing one keeps the others' typing.
  const [keys, setKeys] = useState<number[]>([]);
  const nextKey = useRef(0);
  const keyed = (policy: ConsentPolicy) => {
    setDraft(policy);
    setKeys(policy.languages.map(() => nextKey.current++));
  };
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError, fail] = useError();
  useEffect(() => {
    consentApi.consentSettings().then((s) => keyed({ strict: s.strict, languages: s.languages })).catch(fail);
  }, []);
  const editable = isManager();
  if (!draft) {
    return (
      <section class="settings-section" aria-labelledby="consent-settings-heading" data-testid="settings-consent">
        <h2 id="consent-settings-heading" class="side-heading">{t('consentSettings.title')}</h2>
        {error ? <p class="form-error" role="alert">{error}</p> : null}
      </section>
    );
  }
  const setLanguage = (i: number, next: KeywordLanguage | null) => {
    const languages = draft.languages.slice();
    if (next) languages[i] = next;
    else {
      languages.splice(i, 1);
      setKeys(keys.filter((_, k) => k !== i));
    }
    setDraft({ ...draft, languages });
  };
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      const saved = await consentApi.saveConsentSettings(draft);
      keyed({ strict: saved.strict, languages: saved.languages });
      setError('');
      setMessage(t('consentSettings.saved'));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="settings-section" aria-labelledby="consent-settings-heading" data-testid="settings-consent">
      <h2 id="consent-settings-heading" class="side-heading">{t('consentSettings.title')}</h2>
      <p class="muted">{t('consentSettings.note')}</p>
      <form class="form" data-testid="consent-settings-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
        <label class="check">
          <input type="checkbox" data-testid="consent-strict" checked={draft.strict} disabled={!editable}
            onChange={(e) => setDraft({ ...draft, strict: (e.currentTarget as HTMLInputElement).checked })} />
          {t('consentSettings.strict')}
        </label>
        <p class="muted">{t('consentSettings.strictHint')}</p>
        {draft.languages.map((l, i) => (
          <KeywordLanguageEditor key={keys[i] ?? i} index={i} value={l} editable={editable} onChange={(next) => setLanguage(i, next)} />
        ))}
        {editable ? (
          <>
            <button class="button button--secondary" type="button" data-testid="consent-add-language"
              onClick={() => {
                setDraft({ ...draft, languages: [...draft.languages, blankLanguage()] });
                setKeys([...keys, nextKey.current++]);
              }}>{t('consentSettings.addLanguage')}</button>
            <div class="form-error" role="alert" data-testid="consent-settings-error">{error}</div>
            <p role="status" data-testid="consent-settings-message">{message}</p>
            <div class="form-actions">
              <button class="button button--primary" type="submit" data-testid="consent-settings-save" disabled={busy}>{t('common.save')}</button>
            </div>
          </>
        ) : null}
      </form>
    </section>
  );
}
