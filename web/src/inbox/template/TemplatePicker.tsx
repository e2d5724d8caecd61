// The template picker: choose an approved template and language, fill in what
// each of its components needs, see the whole message, and send it.
import { useEffect } from 'preact/hooks';
import type { Contact } from '../../api/contacts';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { languageLabel } from '../../lib/format';
import { isManager } from '../../lib/session';
import { EstimateChip } from '../Message';
import { CATEGORIES, categoryLabel, localEstimate } from '../model';
import { loadTemplates, paramValues, state, submit, syncTemplates, templateGroups, updateDraft, type Draft } from '../store';
import { missingCount } from './fields';
import { HeldTemplates } from './HeldTemplates';
import { TemplateFields } from './TemplateFields';
import { TemplatePreview } from './TemplatePreview';

export function TemplatePicker({ c, draft, open }: { c: Contact; draft: Draft; open: boolean }) {
  useEffect(() => {
    const wrongNumber = state.templatesNumber !== c.phone_number_id;
    if (wrongNumber || (state.templates === null && !state.templatesLoading && !state.templatesError)) loadTemplates(c.phone_number_id);
  });
  const busy = state.inFlight.has(c.id);
  const optedOut = c.opted_out === true;
  const all = templateGroups();
  const usable = all.filter((g) => !(optedOut && g.category === 'marketing'));
  const hiddenCount = all.length - usable.length;
  const loading = state.templates === null && !state.templatesError;
  const maySync = isManager();
  const catalog = state.templates ?? [];

  let emptyText = '';
  if (loading) emptyText = t('tpl.loading');
  else if (state.templatesError) emptyText = state.templatesError;
  else if (all.length === 0) {
    emptyText = catalog.length ? t('tpl.noneApproved') : t('tpl.none');
    emptyText += ' ' + (maySync ? (catalog.length ? t('tpl.syncAgain') : t('tpl.fetchApproved')) : t('tpl.askManager'));
  } else if (usable.length === 0) {
    emptyText = t('tpl.allMarketing');
  }

  // Keep the choice while it is usable, else the first one; the language likewise.
  if (usable.length && !usable.some((g) => g.name === draft.template)) {
    draft.template = usable[0]?.name ?? null;
    draft.language = null;
  }
  const group = usable.find((g) => g.name === draft.template) ?? null;
  if (group && !group.translations.some((x) => x.language === draft.language)) {
    const preferred = (navigator.language || 'en').replace(/-/g, '_').toLowerCase();
    draft.language = (group.translations.find((x) => x.language.toLowerCase() === preferred)
      ?? group.translations.find((x) => x.language.toLowerCase().startsWith(preferred.slice(0, 2)))
      ?? group.translations[0])?.language ?? null;
  }
  const tr = group?.translations.find((x) => x.language === draft.language) ?? null;
  const values = tr ? paramValues(draft, tr) : [];
  const fieldKey = `${draft.template ?? ''}|${draft.language ?? ''}`;
  const fields = draft.fields.get(fieldKey) ?? {};
  const missing = values.filter((v) => !v.trim()).length + (tr ? missingCount(tr.template, fields) : 0);
  const setField = (key: string, value: string) => updateDraft((d) => {
    d.fields.set(fieldKey, { ...(d.fields.get(fieldKey) ?? {}), [key]: value });
    d.error = '';
  });

  const setParam = (i: number, value: string) => updateDraft((d) => {
    const next = [...values];
    next[i] = value;
    d.params.set(d.template ?? '', next);
    d.error = '';
  });

  return (
    <section class="template-panel" data-testid="template-picker" aria-labelledby="template-heading">
      <div class="template-head">
        <h3 id="template-heading" class="template-title">{t('tpl.heading')}</h3>
        {all.length > 0 && maySync ? (
          <button class="link-button" type="button" data-testid="resync-templates" disabled={state.syncing} title={t('tpl.resyncTitle')} onClick={syncTemplates}>
            {state.syncing ? t('tpl.syncing') : t('tpl.sync')}
          </button>
        ) : null}
        {open ? (
          <button class="link-button" type="button" data-testid="text-toggle" onClick={() => updateDraft((d) => { d.mode = 'text'; d.error = ''; })}>
            {t('tpl.writeInstead')}
          </button>
        ) : null}
      </div>
      {emptyText ? (
        <div class={`template-empty${state.templatesError ? ' is-error' : ''}`} data-testid="templates-empty">
          <p>{emptyText}</p>
          {!loading && maySync && (all.length === 0 || state.templatesError) ? (
            <button class="button button--secondary" type="button" data-testid="sync-templates" disabled={state.syncing} onClick={syncTemplates}>
              {state.syncing ? t('tpl.syncing') : t('tpl.syncTemplates')}
            </button>
          ) : null}
        </div>
      ) : null}
      <HeldTemplates />
      {optedOut && hiddenCount > 0 ? (
        <p class="optout-note" data-testid="optout-note"><Icon name="shield" /><span>{t('tpl.hiddenMarketing', { n: hiddenCount })}</span></p>
      ) : null}
      {usable.length > 0 && group ? (
        <form class="template-form" novalidate onSubmit={(e) => { e.preventDefault(); submit('template'); }}>
          <div class="template-fields">
            <div class="field field--select">
              <label for="template-name">{t('tpl.template')}</label>
              <select id="template-name" data-testid="template-name" value={draft.template ?? ''}
                onChange={(e) => updateDraft((d) => { d.template = (e.currentTarget as HTMLSelectElement).value; d.language = null; d.error = ''; })}>
                {CATEGORIES.map((cat) => {
                  const members = usable.filter((g) => g.category === cat);
                  return members.length ? (
                    <optgroup key={cat} label={categoryLabel(cat)}>
                      {members.map((g) => <option key={g.name} value={g.name}>{g.name}</option>)}
                    </optgroup>
                  ) : null;
                })}
              </select>
            </div>
            <div class="field field--select field--language">
              <label for="template-language">{t('tpl.language')}</label>
              <select id="template-language" data-testid="template-language" value={draft.language ?? ''} disabled={group.translations.length < 2}
                onChange={(e) => updateDraft((d) => { d.language = (e.currentTarget as HTMLSelectElement).value; d.error = ''; })}>
                {group.translations.map((x) => <option key={x.language} value={x.language}>{languageLabel(x.language)}</option>)}
              </select>
            </div>
          </div>
          {tr ? <TemplateFields tpl={tr.template} values={fields} onChange={setField} /> : null}
          {values.length ? (
            <div class="template-params" data-testid="template-params">
              {values.map((v, i) => (
                <div class="field field--param" key={`${group.name}-${i}`}>
                  <label for={`template-param-${i + 1}`}><span class="param-token">{`{{${i + 1}}}`}</span></label>
                  <input id={`template-param-${i + 1}`} type="text" autocomplete="off" spellcheck data-testid="template-param" data-index={String(i)}
                    placeholder={t('tpl.valueFor', { n: i + 1 })} maxLength={1024} required value={v}
                    onInput={(e) => setParam(i, (e.currentTarget as HTMLInputElement).value)} />
                </div>
              ))}
            </div>
          ) : null}
          <div class="template-preview-wrap">
            <span class="template-preview-label" id="template-preview-label">{t('tpl.preview')}</span>
            {tr ? <TemplatePreview tpl={tr.template} params={values} values={fields} /> : null}
          </div>
          <div class="template-foot">
            <span class="estimate" data-testid="template-estimate">{tr ? <EstimateChip estimate={localEstimate(tr.category, open, c.wa_id)} /> : null}</span>
            <span class="template-hint" data-testid="template-hint">
              {tr && missing > 0 ? (missing === 1 ? t('tpl.fillOne') : t('tpl.fillEvery', { n: missing })) : ''}
            </span>
            <button class="button button--primary" type="submit" data-testid="send-template" disabled={busy || !tr || missing > 0}>
              {busy ? t('composer.sending') : t('tpl.send')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
