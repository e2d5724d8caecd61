// Settings → AI assist (admins): off by default. The provider (any
// OpenAI-compatible endpoint, or Amazon Bedrock's Converse API), model,
// per-1k-token prices, the business facts drafts rely on, and the key,
// which is written into the stack's secrets and only ever shown as set.
import { useEffect, useState } from 'preact/hooks';
import * as aiApi from '../api/ai';
import type { AiSettings, AiSettingsInput } from '../api/ai';
import { t } from '../i18n';
import { useError } from '../lib/useError';

type Draft = Omit<AiSettingsInput, 'api_key' | 'clear_key'> & { input_price_per_1k: number; output_price_per_1k: number; endpoint: string; model: string; business_facts: string };

const fromSettings = (s: AiSettings): Draft => ({
  enabled: s.enabled,
  provider: s.provider,
  endpoint: s.endpoint || s.suggested_endpoint || '',
  model: s.model || (s.suggested_endpoint ? 'stand-in' : ''),
  input_price_per_1k: s.input_price_per_1k,
  output_price_per_1k: s.output_price_per_1k,
  business_facts: s.business_facts,
});

export function AiAssist() {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [keySet, setKeySet] = useState(false);
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError, fail] = useError();
  useEffect(() => {
    aiApi.aiSettings().then((s) => { setDraft(fromSettings(s)); setKeySet(s.key_set); }).catch(fail);
  }, []);
  if (!draft) {
    return <section class="settings-section" data-testid="settings-ai">{error ? <p class="form-error" role="alert">{error}</p> : null}</section>;
  }
  const text = (field: 'endpoint' | 'model' | 'business_facts') => (e: Event) =>
    setDraft({ ...draft, [field]: (e.currentTarget as HTMLInputElement).value });
  const price = (field: 'input_price_per_1k' | 'output_price_per_1k') => (e: Event) =>
    setDraft({ ...draft, [field]: Number((e.currentTarget as HTMLInputElement).value) || 0 });
  const save = async (clearKey: boolean) => {
    setBusy(true);
    setMessage('');
    try {
      const saved = await aiApi.saveAiSettings({ ...draft, api_key: key.trim() || null, clear_key: clearKey });
      setDraft(fromSettings(saved));
      setKeySet(saved.key_set);
      setKey('');
      setError('');
      setMessage(t('ai.saved'));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="settings-section" aria-labelledby="ai-heading" data-testid="settings-ai">
      <h2 id="ai-heading" class="side-heading">{t('ai.title')}</h2>
      <p class="muted">{t('ai.note')}</p>
      <form class="form" data-testid="ai-form" novalidate aria-busy={busy ? 'true' : undefined}
        onSubmit={(e) => { e.preventDefault(); void save(false); }}>
        <label class="check">
          <input type="checkbox" data-testid="ai-enabled" checked={draft.enabled}
            onChange={(e) => setDraft({ ...draft, enabled: (e.currentTarget as HTMLInputElement).checked })} />
          {t('ai.enabled')}
        </label>
        <div class="field">
          <label for="ai-provider">{t('ai.provider')}</label>
          <select id="ai-provider" data-testid="ai-provider" value={draft.provider}
            onChange={(e) => setDraft({ ...draft, provider: (e.currentTarget as HTMLSelectElement).value as Draft['provider'] })}>
            <option value="open_ai">{t('ai.openai')}</option>
            <option value="bedrock">{t('ai.bedrock')}</option>
          </select>
        </div>
        <div class="field">
          <label for="ai-endpoint">{t('ai.endpoint')}</label>
          <input id="ai-endpoint" type="url" autocomplete="off" data-testid="ai-endpoint" value={draft.endpoint} onInput={text('endpoint')} />
        </div>
        <div class="field">
          <label for="ai-model">{t('ai.model')}</label>
          <input id="ai-model" type="text" autocomplete="off" data-testid="ai-model" value={draft.model} onInput={text('model')} />
        </div>
        <div class="field">
          <label for="ai-key">{t('ai.key')}</label>
          <input id="ai-key" type="password" autocomplete="off" data-testid="ai-key" value={key} aria-describedby="ai-key-state"
            onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)} />
          <p id="ai-key-state" class="muted" data-testid="ai-key-state" data-set={String(keySet)}>{keySet ? t('ai.keySet') : t('ai.keyNotSet')}</p>
          {keySet ? <button type="button" class="button button--small button--secondary" data-testid="ai-clear-key" disabled={busy} onClick={() => void save(true)}>{t('ai.clearKey')}</button> : null}
        </div>
        <div class="field">
          <label for="ai-in-price">{t('ai.inputPrice')}</label>
          <input id="ai-in-price" type="number" min="0" step="any" data-testid="ai-input-price" value={draft.input_price_per_1k} onInput={price('input_price_per_1k')} />
        </div>
        <div class="field">
          <label for="ai-out-price">{t('ai.outputPrice')}</label>
          <input id="ai-out-price" type="number" min="0" step="any" data-testid="ai-output-price" value={draft.output_price_per_1k} onInput={price('output_price_per_1k')} />
        </div>
        <div class="field">
          <label for="ai-facts">{t('ai.facts')}</label>
          <textarea id="ai-facts" rows={5} maxLength={4000} data-testid="ai-facts" value={draft.business_facts} onInput={text('business_facts')} />
        </div>
        <div class="form-error" role="alert" data-testid="ai-error">{error}</div>
        <p role="status" data-testid="ai-message">{message}</p>
        <div class="form-actions">
          <button class="button button--primary" type="submit" data-testid="ai-save" disabled={busy}>{t('ai.save')}</button>
        </div>
      </form>
    </section>
  );
}
