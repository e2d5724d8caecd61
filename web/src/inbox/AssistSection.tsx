// The conversation's AI assist (loaded when a panel first opens): a
// summary for the next person, the intent, the name, city and budget the
// thread states (applied to the contact on request), and a drafted reply
// that goes into the composer for staff to edit and send. Nothing is sent
// by itself; each answer shows its tokens and cost.
import { useState } from 'preact/hooks';
import * as aiApi from '../api/ai';
import type { AiAssist, AiTask } from '../api/ai';
import type { Contact } from '../api/contacts';
import { ApiError, SignedOut } from '../api/client';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { business } from '../lib/business';
import { patchContact, updateDraft } from './store';
import { errorText } from '../lib/errorText';

const TASKS: { task: AiTask; label: Key }[] = [
  { task: 'summary', label: 'ai.summarise' },
  { task: 'intent', label: 'ai.classify' },
  { task: 'fields', label: 'ai.extract' },
  { task: 'draft', label: 'ai.draft' },
];

function Usage({ a }: { a: AiAssist }) {
  const cost = `${business.value.currency} ${a.usage.cost.toFixed(4)}`;
  return <p class="muted assist-usage" data-testid="assist-usage">{t('ai.usage', { input: a.usage.input_tokens, output: a.usage.output_tokens, cost })}</p>;
}

export function AssistSection({ c }: { c: Contact }) {
  const [answers, setAnswers] = useState<Partial<Record<AiTask, AiAssist>>>({});
  const [busy, setBusy] = useState<AiTask | null>(null);
  const [error, setError] = useState('');
  const ask = async (task: AiTask) => {
    setBusy(task);
    setError('');
    try {
      const answer = await aiApi.assist(c.id, task);
      setAnswers((all) => ({ ...all, [task]: answer }));
    } catch (e) {
      if (e instanceof SignedOut) return;
      if (e instanceof ApiError && (e.code === 'ai_off' || e.code === 'ai_key_missing')) setError(t('ai.off'));
      else setError(t('ai.failed', { message: errorText(e) }));
    } finally {
      setBusy(null);
    }
  };
  const { summary, intent, fields, draft } = answers;
  const found = fields?.fields;
  return (
    <section class="side-section assist" aria-labelledby="assist-heading" data-testid="assist">
      <h3 id="assist-heading" class="side-heading">{t('ai.assist')}</h3>
      <div class="assist-actions">
        {TASKS.map(({ task, label }) => (
          <button key={task} type="button" class="button button--small button--secondary" data-testid={`assist-ask-${task}`}
            disabled={busy !== null} aria-busy={busy === task ? 'true' : undefined} onClick={() => void ask(task)}>{t(label)}</button>
        ))}
      </div>
      <p class="form-error" role="alert" data-testid="assist-error">{error}</p>
      {summary?.summary ? (
        <div data-testid="assist-summary"><p class="assist-text" data-testid="assist-summary-text">{summary.summary}</p><Usage a={summary} /></div>
      ) : null}
      {intent?.intent ? (
        <div data-testid="assist-intent"><span class="chip" data-testid="assist-intent-value">{t(`ai.intent.${intent.intent}` as Key)}</span><Usage a={intent} /></div>
      ) : null}
      {fields && found ? (
        <div data-testid="assist-fields">
          <dl class="kv">
            {(['name', 'city', 'budget'] as const).flatMap((k) => [<dt key={`${k}-t`}>{t(`ai.field.${k}` as Key)}</dt>, <dd key={`${k}-d`} data-testid={`assist-field-${k}`}>{found[k] ?? '—'}</dd>])}
          </dl>
          <button type="button" class="button button--small button--secondary" data-testid="assist-apply" disabled={!found.name && !found.city && !found.budget}
            onClick={() => void patchContact({
              ...(found.name ? { name: found.name } : {}),
              fields: { ...(found.city ? { city: found.city } : {}), ...(found.budget ? { budget: found.budget } : {}) },
            }, t('ai.assist'))}>{t('ai.apply')}</button>
          <Usage a={fields} />
        </div>
      ) : null}
      {draft?.draft ? (
        <div data-testid="assist-draft">
          <p class="assist-text" data-testid="assist-draft-text">{draft.draft}</p>
          <button type="button" class="button button--small button--primary" data-testid="assist-use-draft"
            onClick={() => {
              const text = draft.draft ?? '';
              updateDraft((d) => { d.text = text; d.mode = 'text'; d.error = ''; });
              document.getElementById('composer-input')?.focus();
            }}>{t('ai.useDraft')}</button>
          <Usage a={draft} />
        </div>
      ) : null}
    </section>
  );
}
