// Settings: team, templates, audit log, data export, one's account,
// language. Each part is shown to the roles the API allows.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as reportsApi from '../api/reports';
import type { AuditEntry } from '../api/reports';
import * as templatesApi from '../api/templates';
import type { Template } from '../api/templates';
import { ScrollingTable } from '../components/ScrollingTable';
import { locale, setLocale, t, type Locale } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, isoDay, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { isAdmin, isManager } from '../lib/session';
import { useError } from '../lib/useError';
import { categoryLabel } from '../inbox/model';
import { Account } from '../settings/Account';
import { AiAssist } from '../settings/AiAssist';
import { auditAction, auditDetail } from '../settings/auditText';
import { Automation } from '../settings/Automation';
import { BusinessHours } from '../settings/BusinessHours';
import { Numbers } from '../settings/Numbers';
import { BusinessProfile } from '../settings/BusinessProfile';
import { Consent } from '../settings/Consent';
import { ContactImport } from '../settings/ContactImport';
import { ExportButton } from '../settings/ExportButton';
import { Health } from '../settings/Health';
import { LeadSources } from '../settings/LeadSources';
import { Pipelines } from '../settings/Pipelines';
import { Products } from '../settings/Products';
import { Team } from '../settings/Team';
import { Webhooks } from '../settings/Webhooks';

function Templates() {
  const [list, setList] = useState<Template[] | null>(null);
  const [error, setError, fail] = useError();
  const [busy, setBusy] = useState(false);
  const load = () => templatesApi.templatesPage(null).then((p) => setList(items(p))).catch(fail);
  useEffect(() => { load(); }, []);
  return (
    <section class="settings-section" aria-labelledby="templates-heading" data-testid="settings-templates">
      <h2 id="templates-heading" class="side-heading">{t('settings.templates')}</h2>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <button type="button" class="button button--secondary" data-testid="settings-sync" disabled={busy} onClick={async () => {
        setBusy(true);
        try {
          const synced = await templatesApi.syncTemplates();
          const failed = (synced?.accounts ?? []).filter((a) => a.error).map((a) => a.waba_id ?? '');
          setError(failed.length ? t('tpl.accountsFailed', { accounts: failed.join(', ') }) : '');
          await load();
        } catch (e) {
          fail(e);
        } finally {
          setBusy(false);
        }
      }}>{busy ? t('tpl.syncing') : t('tpl.syncTemplates')}</button>
      {list && list.length === 0 ? <p class="muted">{t('tpl.none')}</p> : null}
      <ScrollingTable label={t('settings.templates')}>
        <table class="table">
          <thead><tr><th scope="col">{t('tpl.template')}</th><th scope="col">{t('tpl.language')}</th><th scope="col">{t('settings.category')}</th><th scope="col">{t('settings.status')}</th><th scope="col">{t('tpl.account')}</th></tr></thead>
          <tbody>
            {(list ?? []).map((x) => (
              <tr key={`${x.name}-${x.language}-${x.waba_id ?? ''}`} data-testid="template-row"><td>{x.name}</td><td>{x.language}</td><td>{categoryLabel(String(x.category).toLowerCase())}</td><td>{x.status}</td><td>{x.waba_id ?? t('tpl.ownAccount')}</td></tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </section>
  );
}

function Audit() {
  const [day, setDay] = useState(isoDay(Date.now()));
  const [contact, setContact] = useState('');
  const [list, setList] = useState<AuditEntry[] | null>(null);
  const [error, setError, fail] = useError();
  useEffect(() => {
    reportsApi.audit(contact.trim() ? { contact: contact.trim() } : { day }).then((p) => { setList(items(p)); setError(''); }).catch(fail);
  }, [day, contact]);
  return (
    <section class="settings-section" aria-labelledby="audit-heading" data-testid="settings-audit">
      <h2 id="audit-heading" class="side-heading">{t('settings.audit')}</h2>
      <div class="field-form">
        <label for="audit-day">{t('settings.day')}</label>
        <input id="audit-day" type="date" value={day} onInput={(e) => setDay((e.currentTarget as HTMLInputElement).value)} />
        <label for="audit-contact">{t('settings.contactId')}</label>
        <input id="audit-contact" type="text" value={contact} onInput={(e) => setContact((e.currentTarget as HTMLInputElement).value)} />
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list && list.length === 0 ? <p class="muted">{t('settings.auditEmpty')}</p> : null}
      <ul class="audit-list">
        {(list ?? []).map((a, i) => {
          const at = parseTime(a.at);
          const detail = auditDetail(a.detail);
          return (
            <li key={i} data-testid="audit-entry" data-action={a.action}>
              <span class="audit-when">{at !== null ? fmtFull(at) : a.at}</span> <strong title={a.action}>{auditAction(a.action)}</strong> <span>{a.actor}</span>
              {detail ? <span class="audit-detail" data-testid="audit-detail">{detail}</span> : null}
              {a.contact_id ? <a class="audit-contact" href={href({ name: 'inbox', contact: a.contact_id })}>{t('settings.auditConversation')}</a> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Data() {
  return (
    <section class="settings-section" aria-labelledby="data-heading" data-testid="settings-data">
      <h2 id="data-heading" class="side-heading">{t('settings.data')}</h2>
      <p class="muted">{t('settings.dataNote')}</p>
      <ul class="export-list">
        {(['contacts', 'conversations', 'deals'] as const).map((what) => (
          <li key={what}>
            <span>{t(`settings.export.${what}` as Key)}</span>
            <ExportButton what={what} format="csv" />
            <ExportButton what={what} format="json" />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Language() {
  return (
    <section class="settings-section" aria-labelledby="language-heading" data-testid="settings-language">
      <h2 id="language-heading" class="side-heading">{t('settings.language')}</h2>
      <label class="visually-hidden" for="language-select">{t('settings.language')}</label>
      <select id="language-select" data-testid="language-select" value={locale.value} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        <option value="en">English</option>
        <option value="hi">हिन्दी</option>
      </select>
    </section>
  );
}

const SECTIONS: { id: string; key: Key; manager: boolean; admin?: boolean; Screen: () => preact.JSX.Element }[] = [
  { id: 'team', key: 'settings.team', manager: true, Screen: Team },
  { id: 'templates', key: 'settings.templates', manager: true, Screen: Templates },
  { id: 'pipelines', key: 'settings.pipelines', manager: true, Screen: Pipelines },
  { id: 'products', key: 'products.title', manager: true, Screen: Products },
  { id: 'automation', key: 'settings.automation', manager: false, Screen: Automation },
  { id: 'audit', key: 'settings.audit', manager: true, Screen: Audit },
  { id: 'data', key: 'settings.data', manager: true, Screen: Data },
  { id: 'leads', key: 'leads.title', manager: true, Screen: LeadSources },
  { id: 'import', key: 'imports.title', manager: true, Screen: ContactImport },
  { id: 'webhooks', key: 'webhooks.title', manager: true, admin: true, Screen: Webhooks },
  { id: 'health', key: 'health.title', manager: true, admin: true, Screen: Health },
  { id: 'business', key: 'settings.business', manager: false, Screen: BusinessProfile },
  { id: 'ai', key: 'ai.title', manager: true, admin: true, Screen: AiAssist },
  { id: 'numbers', key: 'numbers.title', manager: false, Screen: Numbers },
  { id: 'hours', key: 'hours.title', manager: false, Screen: BusinessHours },
  { id: 'consent', key: 'consentSettings.title', manager: false, Screen: Consent },
  { id: 'account', key: 'settings.account', manager: false, Screen: Account },
  { id: 'language', key: 'settings.language', manager: false, Screen: Language },
];

export function Settings({ section }: { section: string }) {
  const allowed = SECTIONS.filter((s) => (!s.manager || isManager()) && (!s.admin || isAdmin()));
  const current = allowed.find((s) => s.id === section) ?? allowed[allowed.length - 1];
  return (
    <section class="page" data-testid="settings" aria-labelledby="settings-heading">
      <div class="page-head"><h1 id="settings-heading" class="pane-title">{t('nav.settings')}</h1></div>
      <nav class="queue-tabs settings-tabs" aria-label={t('nav.settings')}>
        {allowed.map((s) => (
          <a key={s.id} class={`queue-tab${current?.id === s.id ? ' is-selected' : ''}`} href={href({ name: 'settings', section: s.id })}
            aria-current={current?.id === s.id ? 'page' : undefined}><span class="queue-label">{t(s.key)}</span></a>
        ))}
      </nav>
      {current ? <current.Screen /> : null}
    </section>
  );
}
