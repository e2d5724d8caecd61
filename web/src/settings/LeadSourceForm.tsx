// Adding or changing a lead source: its id and name, how posts prove
// themselves (or which provider feeds it, whose id is fixed, or the WhatsApp
// Flow whose flow_token is its id), where its leads go, and the mapping of
// the sender's JSON or the Flow's answers (lead field ← path such as
// contact.mobile).
import { useState } from 'preact/hooks';
import type { Pipeline } from '../api/deals';
import * as leadsApi from '../api/leads';
import { FIXED_ID, isPosted, type LeadAuth, type LeadSource } from '../api/leads';
import type { User } from '../api/team';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { FlowLaunchFields } from './FlowLaunchFields';

const FIELDS = ['lead_id', 'phone', 'name', 'value_minor', 'consent'];
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function ownerValue(source: LeadSource): string {
  return source.owner.kind === 'teammate' ? `teammate:${source.owner.email}` : source.owner.kind;
}

function ownerFrom(value: string): LeadSource['owner'] {
  if (value.startsWith('teammate:')) return { kind: 'teammate', email: value.slice('teammate:'.length) };
  return value === 'unassigned' ? { kind: 'unassigned' } : { kind: 'round_robin' };
}

export function LeadSourceForm({ initial, isNew, pipelines, team, onCancel, onSaved }: {
  initial: LeadSource;
  isNew: boolean;
  pipelines: Pipeline[];
  team: User[];
  onCancel: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<LeadSource>(initial);
  const [tags, setTags] = useState(initial.tags.join(', '));
  const [rows, setRows] = useState<[string, string][]>(Object.entries(initial.mapping));
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  const stages = pipelines.find((p) => p.id === draft.pipeline)?.stages ?? [];
  const fixedId = FIXED_ID[draft.auth];
  const flow = draft.auth === 'whatsapp_flow';
  // A source's kind stays what it is, but a posted one may switch its proof.
  const kindFixed = !isNew && !isPosted(initial.auth);
  const setAuth = (auth: LeadAuth) => {
    const id = FIXED_ID[auth] ?? (FIXED_ID[draft.auth] ? '' : draft.id);
    setDraft({ ...draft, auth, id });
    if (FIXED_ID[auth]) setRows([]);
  };
  const setRow = (i: number, row: [string, string] | null) => {
    const next = rows.slice();
    if (row) next[i] = row;
    else next.splice(i, 1);
    setRows(next);
  };
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const mapping = Object.fromEntries(rows.filter(([field, path]) => field.trim() && path.trim()).map(([field, path]) => [field.trim(), path.trim()]));
      await leadsApi.saveLeadSource({ ...draft, tags: tags.split(',').map((x) => x.trim()).filter(Boolean), mapping });
      setError('');
      onSaved();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form lead-source-form" data-testid="lead-source-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
      <div class="field">
        <label for="lead-source-id">{t('leads.id')}</label>
        <input id="lead-source-id" type="text" autocomplete="off" maxLength={40} data-testid="lead-source-id" value={draft.id} disabled={!isNew || Boolean(fixedId)}
          aria-describedby="lead-source-id-hint" onInput={(e) => setDraft({ ...draft, id: val(e).trim() })} />
        <p id="lead-source-id-hint" class="muted">{t('leads.idHint')}</p>
      </div>
      <div class="field">
        <label for="lead-source-name">{t('leads.name')}</label>
        <input id="lead-source-name" type="text" autocomplete="off" maxLength={80} data-testid="lead-source-name" value={draft.name} onInput={(e) => setDraft({ ...draft, name: val(e) })} />
      </div>
      <div class="field">
        <label for="lead-source-auth">{t('leads.auth')}</label>
        <select id="lead-source-auth" data-testid="lead-source-auth" value={draft.auth} disabled={kindFixed} onChange={(e) => setAuth(val(e) as LeadAuth)}
          aria-describedby={flow ? 'lead-source-flow-hint' : undefined}>
          <option value="hmac">{t('leads.authHmac')}</option>
          <option value="bearer">{t('leads.authBearer')}</option>
          {isNew || fixedId ? <option value="facebook_lead_ads">{t('leads.authFacebook')}</option> : null}
          {isNew || fixedId ? <option value="indiamart">{t('leads.authIndiaMart')}</option> : null}
          {isNew || flow ? <option value="whatsapp_flow">{t('leads.authFlow')}</option> : null}
        </select>
        {flow ? <p id="lead-source-flow-hint" class="muted" data-testid="lead-source-flow-hint">{t('leads.flowHint')}</p> : null}
      </div>
      {flow ? <FlowLaunchFields value={draft.flow} onChange={(launch) => setDraft({ ...draft, flow: launch })} /> : null}
      <div class="field">
        <label for="lead-source-pipeline">{t('leads.pipeline')}</label>
        <select id="lead-source-pipeline" data-testid="lead-source-pipeline" value={draft.pipeline} onChange={(e) => setDraft({ ...draft, pipeline: val(e), stage: null })}>
          {pipelines.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="lead-source-stage">{t('leads.stage')}</label>
        <select id="lead-source-stage" data-testid="lead-source-stage" value={draft.stage ?? ''} onChange={(e) => setDraft({ ...draft, stage: val(e) || null })}>
          <option value="">{t('leads.firstStage')}</option>
          {stages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="lead-source-owner">{t('leads.owner')}</label>
        <select id="lead-source-owner" data-testid="lead-source-owner" value={ownerValue(draft)} onChange={(e) => setDraft({ ...draft, owner: ownerFrom(val(e)) })}>
          <option value="round_robin">{t('leads.roundRobin')}</option>
          <option value="unassigned">{t('leads.unassigned')}</option>
          {team.map((u) => <option key={u.email} value={`teammate:${u.email}`}>{u.name?.trim() ? u.name : u.email}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="lead-source-tags">{t('leads.tags')}</label>
        <input id="lead-source-tags" type="text" autocomplete="off" data-testid="lead-source-tags" value={tags} onInput={(e) => setTags(val(e))} />
      </div>
      {fixedId ? null : <fieldset class="field lead-mapping" data-testid="lead-source-mapping">
        <legend>{t(flow ? 'leads.flowMapping' : 'leads.mapping')}</legend>
        <p class="muted">{t(flow ? 'leads.flowMappingHint' : 'leads.mappingHint')}</p>
        {rows.map(([field, path], i) => (
          <div class="lead-mapping-row" key={i} data-testid="lead-mapping-row">
            <label class="visually-hidden" for={`lead-map-field-${i}`}>{t('leads.leadField')}</label>
            <input id={`lead-map-field-${i}`} type="text" list="lead-fields" autocomplete="off" data-testid="lead-mapping-field" value={field} onInput={(e) => setRow(i, [val(e), path])} />
            <span aria-hidden="true">←</span>
            <label class="visually-hidden" for={`lead-map-path-${i}`}>{t('leads.path')}</label>
            <input id={`lead-map-path-${i}`} type="text" autocomplete="off" data-testid="lead-mapping-path" value={path} onInput={(e) => setRow(i, [field, val(e)])} />
            <button class="button button--small button--ghost" type="button" onClick={() => setRow(i, null)}>{t('common.remove')}</button>
          </div>
        ))}
        <datalist id="lead-fields">{FIELDS.map((f) => <option key={f} value={f} />)}<option value="fields.city" /></datalist>
        <button class="button button--small button--secondary" type="button" data-testid="lead-mapping-add" onClick={() => setRows([...rows, ['', '']])}>{t('leads.addMapping')}</button>
      </fieldset>}
      <div class="form-error" role="alert" data-testid="lead-source-error">{error}</div>
      <div class="form-actions">
        <button class="button button--primary" type="submit" data-testid="lead-source-save" disabled={busy}>{t('common.save')}</button>
        <button class="button button--secondary" type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
