// The contact side panel: name, phone (tap to call, then log the call), tags,
// consent, fields, notes, deals, follow-ups and the contact's open tasks.
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import type { Deal } from '../api/deals';
import * as tasksApi from '../api/tasks';
import { ApiError, SignedOut } from '../api/client';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { currencySymbol, fmtFull, money, parseTime } from '../lib/format';
import { AddressBookName } from './AddressBookName';
import { callLogLine } from './calls';
import { ConsentSection } from './ConsentSection';
import { ContactSource } from './ContactSource';
import { ContactTasks } from './ContactTasks';
import { MergeSuggestions } from './MergeSuggestions';
import { QuotesSection } from './QuotesSection';
import { displayName, humanize, relativeTime, str } from './model';
import { addNote, changeTags, createDeal, moveDeal, ownerLabel, patchContact, refreshPanel, refreshTasks, setPanelError, state } from './store';

// Logging a call is occasional: its form loads when first opened.
const CallLogForm = lazy(() => import('./CallLogForm').then((m) => m.CallLogForm));
// AI assist is optional and off by default: its code loads with the panel.
const AssistSection = lazy(() => import('./AssistSection').then((m) => m.AssistSection));

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function pipelineOf(deal: Deal) {
  const ps = state.pipelines ?? [];
  return ps.find((p) => p.id === deal.pipeline) ?? ps.find((p) => (p.stages ?? []).some((s) => s.id === deal.stage)) ?? ps[0] ?? null;
}

export function stageName(stages: { id: string; name: string }[] | undefined, id: string | null | undefined): string {
  return str(stages?.find((s) => s.id === id)?.name) ?? humanize(String(id ?? '')) ?? '';
}

function DealItem({ d }: { d: Deal }) {
  const pipeline = pipelineOf(d);
  const stages = Array.isArray(pipeline?.stages) ? pipeline.stages : [];
  const kind = stages.find((s) => s.id === d.stage)?.kind ?? 'open';
  const history = Array.isArray(d.history) ? d.history : [];
  const last = history[history.length - 1];
  const lastAt = parseTime(last?.at);
  const selectId = `deal-stage-${d.id}`;
  return (
    <li class={`deal deal--${kind}`} data-testid="deal" data-deal-id={d.id} data-stage={d.stage}>
      <div class="deal-top">
        <span class="deal-title" data-testid="deal-title">{d.title ?? ''}</span>
        <span class="deal-value" data-testid="deal-value">{typeof d.value_minor === 'number' ? money(d.value_minor, d.currency) : ''}</span>
      </div>
      <div class="deal-stage-row">
        <label class="visually-hidden" for={selectId}>{t('panel.stageOf', { title: d.title ?? '' })}</label>
        <select id={selectId} data-testid="deal-stage" value={d.stage} onChange={(e) => moveDeal(d.id, val(e))}>
          {stages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          {!stages.some((s) => s.id === d.stage) ? <option value={d.stage}>{stageName(stages, d.stage)}</option> : null}
        </select>
        <span class={`chip chip--stage chip--${kind}`} data-testid="deal-stage-name">{stageName(stages, d.stage)}</span>
      </div>
      {last ? (
        <p class="deal-meta" data-testid="deal-history">
          {`${stageName(stages, last.from) || t('panel.new')} → ${stageName(stages, last.to)}`}
          {last.by ? t('panel.by', { who: ownerLabel(last.by) }) : ''}
          {lastAt === null ? '' : ` · ${relativeTime(lastAt, Date.now())}`}
        </p>
      ) : null}
    </li>
  );
}

export function Panel({ c, onClose }: { c: Contact; onClose: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');
  const [tag, setTag] = useState('');
  const [fieldKey, setFieldKey] = useState('');
  const [fieldValue, setFieldValue] = useState('');
  const [note, setNote] = useState('');
  const [dealTitle, setDealTitle] = useState('');
  const [dealValue, setDealValue] = useState('');
  const [followTitle, setFollowTitle] = useState('');
  const [followDue, setFollowDue] = useState('');
  const [followResult, setFollowResult] = useState('');
  const [busy, setBusy] = useState('');
  const [logging, setLogging] = useState(false);
  const [callResult, setCallResult] = useState('');
  useEffect(() => {
    setEditing(false);
    setLogging(false);
    setCallResult('');
    setTag(''); setFieldKey(''); setFieldValue(''); setNote(''); setDealTitle(''); setDealValue(''); setFollowTitle(''); setFollowDue(''); setFollowResult('');
  }, [c.id]);

  const tags = Array.isArray(c.tags) ? c.tags.filter((x) => typeof x === 'string') : [];
  const fields = c.fields && typeof c.fields === 'object' ? Object.entries(c.fields) : [];
  // Without staff's name the contact is named from the phone's address book, else the WhatsApp profile.
  const phoneName = str(c.address_book_name);
  const fallback = phoneName ?? str(c.profile_name);
  const custom = str(c.name) && fallback && c.name !== fallback;
  const run = async (what: string, work: () => Promise<unknown>) => {
    setBusy(what);
    try {
      await work();
    } finally {
      setBusy('');
    }
  };

  return (
    <aside id="side-panel" class="side-panel" data-testid="side-panel" aria-label={t('panel.label')}>
      <div class="side-head">
        <h2 class="side-title">{t('panel.title')}</h2>
        <button class="icon-button icon-button--small panel-close" type="button" aria-label={t('panel.hide')} data-testid="panel-close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <div class="panel-error" data-testid="panel-error" role="alert">{state.panelError}</div>

      <section class="side-section" aria-label={t('panel.details')}>
        {!editing ? (
          <div class="name-view">
            <span class="panel-name" data-testid="panel-name">{displayName(c)}</span>
            <button class="link-button" type="button" data-testid="name-edit" onClick={() => { setName(c.name ?? ''); setEditing(true); }}>{t('panel.editName')}</button>
          </div>
        ) : (
          <form class="inline-form" data-testid="name-form" novalidate onSubmit={async (e) => {
            e.preventDefault();
            if (await patchContact({ name: name.trim() || null }, t('panel.name'))) setEditing(false);
          }}>
            <label class="visually-hidden" for="name-input">{t('panel.name')}</label>
            <input id="name-input" type="text" maxLength={120} autocomplete="off" data-testid="name-input" value={name} onInput={(e) => setName(val(e))} />
            <button class="button button--small button--primary" type="submit" data-testid="name-save">{t('common.save')}</button>
            <button class="button button--small button--ghost" type="button" onClick={() => setEditing(false)}>{t('common.cancel')}</button>
          </form>
        )}
        {custom ? (
          <button class="link-button" type="button" data-testid="name-revert" onClick={() => patchContact({ name: null }, t('panel.name'))}>
            {phoneName ? t('panel.usePhoneName', { name: phoneName }) : t('panel.useWhatsAppName', { name: fallback ?? '' })}
          </button>
        ) : null}
        <AddressBookName c={c} />
        <dl class="kv">
          <dt>{t('panel.phone')}</dt>
          <dd data-testid="panel-phone">
            {c.phone ? <a href={`tel:${c.phone}`} data-testid="call-link" title={t('call.phoneTitle', { phone: c.phone })}>{c.phone}</a> : c.user_id || '—'}
          </dd>
          <dt>{t('panel.whatsAppName')}</dt><dd data-testid="panel-profile-name">{str(c.profile_name) ?? '—'}</dd>
          {str(c.username) ? <><dt>{t('panel.username')}</dt><dd data-testid="panel-username">@{c.username}</dd></> : null}
          <ContactSource c={c} />
        </dl>
        <div class="call-log-actions">
          <button class="button button--small button--secondary" type="button" data-testid="call-log-open" aria-expanded={logging}
            onClick={() => { setCallResult(''); setLogging(!logging); }}>{t('call.log')}</button>
          <span class="visually-hidden" role="status" data-testid="call-log-result">{callResult}</span>
        </div>
        {logging ? (
          <Suspense fallback={<p class="muted" role="status">{t('app.loading')}</p>}>
            <CallLogForm key={c.id} onCancel={() => setLogging(false)} onLogged={(message) => { setLogging(false); setCallResult(message); }} />
          </Suspense>
        ) : null}
        <MergeSuggestions c={c} />
      </section>

      <section class="side-section" aria-labelledby="tags-heading">
        <h3 id="tags-heading" class="side-heading">{t('panel.tags')}</h3>
        <ul class="tag-list" data-testid="tags">
          {tags.map((x) => (
            <li class="tag" data-testid="tag" data-tag={x} key={x}>
              <span class="tag-text" data-testid="tag-text">{x}</span>
              <button type="button" class="tag-remove" aria-label={t('panel.removeTag', { tag: x })} title={t('common.remove')} data-testid="tag-remove"
                onClick={() => changeTags((cur) => cur.filter((y) => y !== x))}><Icon name="close" class="icon icon--tiny" /></button>
            </li>
          ))}
          {!tags.length ? <li class="side-empty">{t('panel.noTags')}</li> : null}
        </ul>
        <form class="inline-form" novalidate onSubmit={async (e) => {
          e.preventDefault();
          const next = tag.trim().toLowerCase();
          if (!next) return;
          setTag('');
          const ok = await changeTags((cur) => (cur.includes(next) ? null : [...cur, next]));
          if (!ok) setTag(next);
        }}>
          <label class="visually-hidden" for="tag-input">{t('panel.newTag')}</label>
          <input id="tag-input" type="text" maxLength={40} placeholder={t('panel.addTag')} autocomplete="off" data-testid="tag-input" value={tag} onInput={(e) => setTag(val(e))} />
          <button class="button button--small button--secondary" type="submit" data-testid="tag-add">{t('common.add')}</button>
        </form>
      </section>

      <ConsentSection c={c} />

      <Suspense fallback={null}><AssistSection key={c.id} c={c} /></Suspense>

      <section class="side-section" aria-labelledby="fields-heading">
        <h3 id="fields-heading" class="side-heading">{t('panel.fields')}</h3>
        <dl class="kv kv--fields" data-testid="fields">
          {fields.flatMap(([k, v]) => [
            <dt data-testid="field-name" key={`k-${k}`}>{k}</dt>,
            <dd data-testid="field" data-key={k} key={`v-${k}`}>
              <span class="field-val" data-testid="field-value-text">{String(v)}</span>
              <button type="button" class="tag-remove" aria-label={t('panel.removeField', { field: k })} title={t('common.remove')} data-testid="field-remove"
                onClick={() => patchContact({ fields: { [k]: '' } }, t('panel.field'))}><Icon name="close" class="icon icon--tiny" /></button>
            </dd>,
          ])}
        </dl>
        {!fields.length ? <p class="side-empty">{t('panel.noFields')}</p> : null}
        <form class="field-form" novalidate onSubmit={async (e) => {
          e.preventDefault();
          const key = fieldKey.trim();
          if (!key) {
            setPanelError(t('panel.fieldNameNeeded'));
            return;
          }
          if (await patchContact({ fields: { [key]: fieldValue.trim() } }, t('panel.field'))) {
            setFieldKey('');
            setFieldValue('');
          }
        }}>
          <label class="visually-hidden" for="field-key">{t('panel.fieldName')}</label>
          <input id="field-key" type="text" maxLength={40} placeholder={t('panel.fieldPlaceholder')} autocomplete="off" data-testid="field-key" value={fieldKey} onInput={(e) => setFieldKey(val(e))} />
          <label class="visually-hidden" for="field-value">{t('panel.value')}</label>
          <input id="field-value" type="text" maxLength={200} placeholder={t('panel.valuePlaceholder')} autocomplete="off" data-testid="field-value" value={fieldValue} onInput={(e) => setFieldValue(val(e))} />
          <button class="button button--small button--secondary" type="submit" data-testid="field-save">{t('common.save')}</button>
        </form>
      </section>

      <section class="side-section side-section--notes" aria-labelledby="notes-heading">
        <h3 id="notes-heading" class="side-heading">{t('panel.notes')}</h3>
        <p class="internal-label" id="notes-internal">{t('panel.internal')}</p>
        <form class="note-form" novalidate onSubmit={async (e) => {
          e.preventDefault();
          const text = note.trim();
          if (!text) return;
          await run('note', async () => {
            if (await addNote(text)) setNote('');
          });
        }}>
          <label class="visually-hidden" for="note-input">{t('panel.newNote')}</label>
          <textarea id="note-input" rows={2} maxLength={4000} placeholder={t('panel.notePlaceholder')} aria-describedby="notes-internal" data-testid="note-input"
            value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          <button class="button button--small button--secondary" type="submit" data-testid="note-add" disabled={busy === 'note'}>{t('panel.addNote')}</button>
        </form>
        <ol class="note-list" data-testid="notes">
          {state.notes.map((n) => {
            const at = parseTime(n.at);
            const author = ownerLabel(str(n.author));
            const call = callLogLine(n, author === t('owner.unassigned') ? t('panel.someone') : author);
            return (
              <li class="note" data-testid="note" data-note-id={String(n.id ?? '')} key={String(n.id)}>
                {call ? <p class="note-call" data-testid="note-call">{call}</p> : null}
                {call && !String(n.text ?? '').trim() ? null : <p class="note-text" data-testid="note-text">{String(n.text ?? '')}</p>}
                <p class="note-meta">
                  <span>{author === t('owner.unassigned') ? t('panel.someone') : author}</span>
                  {at === null ? null : <time dateTime={new Date(at).toISOString()} title={fmtFull(at)}>{` · ${relativeTime(at, Date.now())}`}</time>}
                </p>
              </li>
            );
          })}
          {!state.notes.length ? <li class="side-empty">{t('panel.noNotes')}</li> : null}
        </ol>
      </section>

      <section class="side-section" aria-labelledby="deals-heading">
        <h3 id="deals-heading" class="side-heading">{t('panel.deals')}</h3>
        <ul class="deal-list" data-testid="deals">
          {state.deals.map((d) => <DealItem d={d} key={d.id} />)}
          {!state.deals.length ? <li class="side-empty">{t('panel.noDeals')}</li> : null}
        </ul>
        <form class="field-form" novalidate onSubmit={async (e) => {
          e.preventDefault();
          const title = dealTitle.trim();
          if (!title) {
            setPanelError(t('panel.dealTitleNeeded'));
            return;
          }
          const amount = dealValue.trim() === '' ? 0 : Number(dealValue);
          if (!Number.isFinite(amount) || amount < 0) {
            setPanelError(t('panel.dealValueNeeded'));
            return;
          }
          await run('deal', async () => {
            if (await createDeal(title, Math.round(amount * 100))) {
              setDealTitle('');
              setDealValue('');
            }
          });
        }}>
          <label class="visually-hidden" for="deal-title">{t('panel.dealTitle')}</label>
          <input id="deal-title" type="text" maxLength={200} placeholder={t('panel.dealTitlePlaceholder')} autocomplete="off" data-testid="deal-title-input" value={dealTitle} onInput={(e) => setDealTitle(val(e))} />
          <label class="visually-hidden" for="deal-value">{t('panel.dealValue', { currency: currencySymbol() })}</label>
          <input id="deal-value" type="number" min="0" step="0.01" inputMode="decimal" placeholder={t('panel.dealValuePlaceholder', { currency: currencySymbol() })} data-testid="deal-value-input" value={dealValue} onInput={(e) => setDealValue(val(e))} />
          <button class="button button--small button--secondary" type="submit" data-testid="deal-create" disabled={busy === 'deal'}>{t('panel.newDeal')}</button>
        </form>
      </section>

      <QuotesSection contactId={c.id} dealId={state.deals[0]?.id ?? null} lastActivity={c.last_activity_at ?? null} onDealChanged={refreshPanel} />

      <section class="side-section" aria-labelledby="followup-heading">
        <h3 id="followup-heading" class="side-heading">{t('panel.followUp')}</h3>
        <form class="field-form" novalidate onSubmit={async (e) => {
          e.preventDefault();
          const title = followTitle.trim();
          const due = followDue ? new Date(followDue) : null;
          if (!title) {
            setPanelError(t('panel.followUpTitleNeeded'));
            return;
          }
          if (!due || Number.isNaN(due.getTime())) {
            setPanelError(t('panel.followUpDueNeeded'));
            return;
          }
          setPanelError('');
          setFollowResult('');
          await run('followup', async () => {
            try {
              await tasksApi.createTask({ title, due_at: due.toISOString(), contact_id: c.id });
              setFollowTitle('');
              setFollowDue('');
              setFollowResult(t('panel.followUpAdded', { title, due: fmtFull(due.getTime()) }));
              refreshTasks();
            } catch (err) {
              if (err instanceof SignedOut) return;
              setPanelError(t('panel.followUpFailed', { message: err instanceof ApiError ? err.message : String(err) }));
            }
          });
        }}>
          <label class="visually-hidden" for="followup-title">{t('panel.followUp')}</label>
          <input id="followup-title" type="text" maxLength={200} placeholder={t('panel.followUpPlaceholder')} autocomplete="off" data-testid="followup-title" value={followTitle} onInput={(e) => setFollowTitle(val(e))} />
          <label class="visually-hidden" for="followup-due">{t('panel.due')}</label>
          <input id="followup-due" type="datetime-local" data-testid="followup-due" value={followDue} onInput={(e) => setFollowDue(val(e))} />
          <button class="button button--small button--secondary" type="submit" data-testid="followup-add" disabled={busy === 'followup'}>{t('panel.addFollowUp')}</button>
        </form>
        <p class="followup-result" data-testid="followup-result" role="status">{followResult}</p>
        <ContactTasks contactId={c.id} />
      </section>
    </aside>
  );
}
