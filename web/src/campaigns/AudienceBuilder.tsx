// Who the campaign goes to: contacts with a tag (the usual segment), and
// more filters folded away: a pipeline stage, an owner, a lead source, a
// custom field's value, a recent message, a marketing opt-in on record.
import { useState } from 'preact/hooks';
import type { Audience } from '../api/campaigns';
import type { Pipeline } from '../api/deals';
import type { User } from '../api/team';
import { t } from '../i18n';
import { sourceLabel } from '../lib/leadSource';

const SOURCES = ['whatsapp', 'ad', 'import', 'staff', 'lead:'] as const;

interface Props {
  audience: Audience;
  onChange: (a: Audience) => void;
  pipelines: Pipeline[];
  team: User[];
}

const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;

export function AudienceBuilder({ audience: a, onChange, pipelines, team }: Props) {
  const set = (patch: Partial<Audience>) => onChange({ ...a, ...patch });
  const narrowed = Boolean(a.stage || a.owner || a.source || a.field?.name || a.field?.value || a.inbound_within_days || a.opted_in_only);
  // Open at first when a filter is set; then as staff leave it.
  const [open] = useState(narrowed);
  const stageValue = a.stage ? JSON.stringify([a.stage.pipeline, a.stage.stage]) : '';
  return (
    <fieldset class="campaign-audience" data-testid="campaign-audience">
      <legend class="side-heading">{t('campaigns.audience')}</legend>
      <div class="field">
        <label for="campaign-tag">{t('campaigns.aud.tag')}</label>
        <input id="campaign-tag" type="text" data-testid="campaign-tag" autocomplete="off" maxLength={40} value={a.tag ?? ''}
          aria-describedby="campaign-tag-hint" onInput={(e) => set({ tag: value(e) || null })} />
        <p id="campaign-tag-hint" class="field-hint">{t('campaigns.aud.tagHint')}</p>
      </div>
      <details class="campaign-more" open={open}>
        <summary data-testid="campaign-more">{t('campaigns.aud.more')}</summary>
        <div class="campaign-filters">
          <div class="field field--select">
            <label for="campaign-stage">{t('campaigns.aud.stage')}</label>
            <select id="campaign-stage" data-testid="campaign-stage" value={stageValue}
              onChange={(e) => {
                const v = value(e);
                const [pipeline, stage] = v ? (JSON.parse(v) as [string, string]) : [];
                set({ stage: pipeline && stage ? { pipeline, stage } : null });
              }}>
              <option value="">{t('campaigns.aud.any')}</option>
              {pipelines.map((p) => (
                <optgroup key={p.id} label={p.name}>
                  {p.stages.map((s) => <option key={s.id} value={JSON.stringify([p.id, s.id])}>{s.name}</option>)}
                </optgroup>
              ))}
            </select>
          </div>
          <div class="field field--select">
            <label for="campaign-owner">{t('campaigns.aud.owner')}</label>
            <select id="campaign-owner" data-testid="campaign-owner" value={a.owner ?? ''} onChange={(e) => set({ owner: value(e) || null })}>
              <option value="">{t('campaigns.aud.any')}</option>
              <option value="unassigned">{t('campaigns.aud.unassigned')}</option>
              {team.map((u) => <option key={u.email} value={u.email}>{u.name || u.email}</option>)}
            </select>
          </div>
          <div class="field field--select">
            <label for="campaign-source">{t('campaigns.aud.source')}</label>
            <select id="campaign-source" data-testid="campaign-source" value={a.source ?? ''} onChange={(e) => set({ source: value(e) || null })}>
              <option value="">{t('campaigns.aud.any')}</option>
              {SOURCES.map((s) => <option key={s} value={s}>{s === 'lead:' ? t('campaigns.aud.anyLead') : sourceLabel(s)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="campaign-field-name">{t('campaigns.aud.fieldName')}</label>
            <input id="campaign-field-name" type="text" data-testid="campaign-field-name" autocomplete="off" maxLength={64} value={a.field?.name ?? ''}
              onInput={(e) => set({ field: { name: value(e), value: a.field?.value ?? '' } })} />
          </div>
          <div class="field">
            <label for="campaign-field-value">{t('campaigns.aud.fieldValue')}</label>
            <input id="campaign-field-value" type="text" data-testid="campaign-field-value" autocomplete="off" maxLength={200} value={a.field?.value ?? ''}
              onInput={(e) => set({ field: { name: a.field?.name ?? '', value: value(e) } })} />
          </div>
          <div class="field">
            <label for="campaign-recent">{t('campaigns.aud.recent')}</label>
            <input id="campaign-recent" type="number" min={1} max={3650} step={1} inputMode="numeric" data-testid="campaign-recent"
              value={a.inbound_within_days ?? ''} onInput={(e) => {
                const n = Number.parseInt(value(e), 10);
                set({ inbound_within_days: Number.isFinite(n) && n > 0 ? n : null });
              }} />
          </div>
          <label class="check">
            <input type="checkbox" data-testid="campaign-opted-in" checked={a.opted_in_only === true}
              onChange={(e) => set({ opted_in_only: (e.currentTarget as HTMLInputElement).checked })} />
            <span>{t('campaigns.aud.optedIn')}</span>
          </label>
        </div>
      </details>
    </fieldset>
  );
}
