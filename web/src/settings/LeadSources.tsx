// Settings → Lead sources: where a website form, a landing page or another
// system posts leads, the Facebook Lead Ads and IndiaMART feeds, and WhatsApp
// Flows (lead forms inside WhatsApp). A posted source shows the URL and
// secret its sender needs, a fed one how its feed is doing, a Flow one how to
// send its Flow; each says where its leads go: pipeline and stage, owner,
// tags, and how its JSON (or the Flow's answers) maps onto a lead. Managers
// and admins.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as dealsApi from '../api/deals';
import type { Pipeline } from '../api/deals';
import * as leadsApi from '../api/leads';
import type { LeadSource, LeadSourceEntry } from '../api/leads';
import * as teamApi from '../api/team';
import type { User } from '../api/team';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { LeadFeedStatus } from './LeadFeedStatus';
import { LeadSourceForm } from './LeadSourceForm';

const blank = (): LeadSource => ({ id: '', name: '', auth: 'hmac', pipeline: 'sales', stage: null, owner: { kind: 'round_robin' }, tags: [], mapping: {} });

function PostedSource({ entry }: { entry: LeadSourceEntry }) {
  const [shown, setShown] = useState(false);
  return (
    <>
      <dt>{t('leads.url')}</dt><dd><code data-testid="lead-source-url">{`${location.origin}${entry.path ?? ''}`}</code></dd>
      <dt>{entry.auth === 'hmac' ? t('leads.hmacSecret') : t('leads.bearerToken')}</dt>
      <dd>
        <code data-testid="lead-source-secret">{shown ? entry.secret : '••••••••'}</code>{' '}
        <button class="link-button" type="button" data-testid="lead-source-show" onClick={() => setShown(!shown)}>{shown ? t('leads.hide') : t('leads.show')}</button>
      </dd>
    </>
  );
}

function SourceCard({ entry, onEdit, onChanged, fail }: { entry: LeadSourceEntry; onEdit: () => void; onChanged: () => void; fail: (e: unknown) => void }) {
  const fed = entry.auth === 'facebook_lead_ads' || entry.auth === 'indiamart';
  const posted = leadsApi.isPosted(entry.auth);
  return (
    <li class="lead-source" data-testid="lead-source" data-source={entry.id}>
      <div class="lead-source-head">
        <strong>{entry.name}</strong> <code>{entry.id}</code>
      </div>
      {fed ? <p class="muted">{t(entry.auth === 'indiamart' ? 'leads.fedIndiaMart' : 'leads.fedFacebook')}</p> : null}
      {entry.auth === 'whatsapp_flow' ? <p class="muted" data-testid="lead-source-flow">{t('leads.flowHint')}</p> : null}
      <dl class="kv">
        {posted ? <PostedSource entry={entry} /> : null}
        <dt>{t('leads.goesTo')}</dt><dd data-testid="lead-source-target">{`${entry.pipeline}${entry.stage ? ` · ${entry.stage}` : ''}`}</dd>
      </dl>
      {fed ? <LeadFeedStatus feed={entry.feed} /> : null}
      <div class="form-actions">
        <button class="button button--small button--secondary" type="button" data-testid="lead-source-edit" onClick={onEdit}>{t('leads.edit')}</button>
        {!posted ? null : <button class="button button--small button--ghost" type="button" data-testid="lead-source-rotate" onClick={async () => {
          try { await leadsApi.rotateLeadSecret(entry.id); onChanged(); } catch (e) { fail(e); }
        }}>{t('leads.rotate')}</button>}
        <button class="button button--small button--ghost" type="button" data-testid="lead-source-delete" onClick={async () => {
          if (!confirm(t('leads.confirmDelete', { name: entry.name }))) return;
          try { await leadsApi.deleteLeadSource(entry.id); onChanged(); } catch (e) { fail(e); }
        }}>{t('leads.delete')}</button>
      </div>
    </li>
  );
}

export function LeadSources() {
  const [list, setList] = useState<LeadSourceEntry[] | null>(null);
  const [pipelines, setPipelines] = useState<Pipeline[]>([]);
  const [team, setTeam] = useState<User[]>([]);
  const [editing, setEditing] = useState<{ source: LeadSource; isNew: boolean } | null>(null);
  const [error, setError, fail] = useError();
  const load = () => leadsApi.leadSources().then((p) => { setList(items(p)); setError(''); }).catch(fail);
  useEffect(() => {
    load();
    dealsApi.pipelines().then((p) => setPipelines(items(p))).catch(fail);
    teamApi.users().then((p) => setTeam(items(p).filter((u) => u.active !== false))).catch(fail);
  }, []);
  return (
    <section class="settings-section" aria-labelledby="leads-heading" data-testid="settings-leads">
      <h2 id="leads-heading" class="side-heading">{t('leads.title')}</h2>
      <p class="muted">{t('leads.note')}</p>
      {error ? <p class="form-error" role="alert" data-testid="leads-error">{error}</p> : null}
      {/* Add and the form first: the list lands after them and pushes nothing under a pointer. */}
      {editing ? (
        <LeadSourceForm initial={editing.source} isNew={editing.isNew} pipelines={pipelines} team={team}
          onCancel={() => setEditing(null)}
          onSaved={() => { setEditing(null); load(); }} />
      ) : (
        <button class="button button--secondary" type="button" data-testid="lead-source-add" onClick={() => setEditing({ source: blank(), isNew: true })}>{t('leads.add')}</button>
      )}
      {list && !list.length && !editing ? <p class="muted">{t('leads.none')}</p> : null}
      <ul class="lead-sources">
        {(list ?? []).map((entry) => (
          <SourceCard key={entry.id} entry={entry} fail={fail} onChanged={load}
            onEdit={() => setEditing({ source: { id: entry.id, name: entry.name, auth: entry.auth, pipeline: entry.pipeline, stage: entry.stage ?? null, owner: entry.owner, tags: entry.tags, mapping: entry.mapping }, isNew: false })} />
        ))}
      </ul>
    </section>
  );
}
