// One language's consent keywords and replies in Settings → Consent.
// Keywords are typed comma-separated; each is a whole message.
import { useState } from 'preact/hooks';
import type { KeywordLanguage } from '../api/consent';
import { t } from '../i18n';

const words = (text: string) => text.split(',').map((w) => w.trim()).filter(Boolean);

export function KeywordLanguageEditor({ index, value, editable, onChange }: {
  index: number;
  value: KeywordLanguage;
  editable: boolean;
  onChange: (next: KeywordLanguage | null) => void;
}) {
  // The typed text is kept as typed (a trailing comma included) and parsed on each change.
  const [optOut, setOptOut] = useState(value.opt_out.join(', '));
  const [optIn, setOptIn] = useState(value.opt_in.join(', '));
  const id = (part: string) => `consent-${index}-${part}`;
  return (
    <fieldset class="keyword-language" data-testid="consent-language" data-language={value.language} disabled={!editable}>
      <legend>{value.language || t('consentSettings.newLanguage')}</legend>
      <div class="field">
        <label for={id('code')}>{t('consentSettings.language')}</label>
        <input id={id('code')} type="text" autocomplete="off" maxLength={10} data-testid="consent-language-code" value={value.language}
          onInput={(e) => onChange({ ...value, language: (e.currentTarget as HTMLInputElement).value.trim() })} />
      </div>
      <div class="field">
        <label for={id('out')}>{t('consentSettings.optOutWords')}</label>
        <input id={id('out')} type="text" autocomplete="off" data-testid="consent-opt-out-words" value={optOut}
          onInput={(e) => { const text = (e.currentTarget as HTMLInputElement).value; setOptOut(text); onChange({ ...value, opt_out: words(text) }); }} />
      </div>
      <div class="field">
        <label for={id('out-reply')}>{t('consentSettings.optOutReply')}</label>
        <textarea id={id('out-reply')} rows={2} data-testid="consent-opt-out-reply" value={value.opt_out_reply}
          onInput={(e) => onChange({ ...value, opt_out_reply: (e.currentTarget as HTMLTextAreaElement).value })} />
      </div>
      <div class="field">
        <label for={id('in')}>{t('consentSettings.optInWords')}</label>
        <input id={id('in')} type="text" autocomplete="off" data-testid="consent-opt-in-words" value={optIn}
          onInput={(e) => { const text = (e.currentTarget as HTMLInputElement).value; setOptIn(text); onChange({ ...value, opt_in: words(text) }); }} />
      </div>
      <div class="field">
        <label for={id('in-reply')}>{t('consentSettings.optInReply')}</label>
        <textarea id={id('in-reply')} rows={2} data-testid="consent-opt-in-reply" value={value.opt_in_reply}
          onInput={(e) => onChange({ ...value, opt_in_reply: (e.currentTarget as HTMLTextAreaElement).value })} />
      </div>
      {editable ? (
        <button class="button button--small button--ghost" type="button" data-testid="consent-remove-language" onClick={() => onChange(null)}>
          {t('consentSettings.removeLanguage')}
        </button>
      ) : null}
    </fieldset>
  );
}
