// The bell in the top bar: the unread count, and a panel listing the
// notifications, each linking to its conversation or to Tasks.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api/notifications';
import type { Notification } from '../api/notifications';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { generation } from '../lib/session';
import { alertNew, askPermission } from './alert';
import { alertsOn, setAlerts, setUnread, setUnreadAfterRead, unread } from './store';

function link(n: Notification): string {
  if (n.contact_id) return href({ name: 'inbox', contact: n.contact_id });
  return href({ name: 'tasks' });
}

export function Bell() {
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<Notification[] | null>(null);
  const [failed, setFailed] = useState(false);
  const load = async () => {
    const started = generation();
    const askedAt = Date.now();
    try {
      const page = await api.notifications();
      if (started !== generation()) return;
      setList(page.items);
      setUnread(page.unread, askedAt, alertNew);
      setFailed(false);
    } catch {
      setFailed(true);
    }
  };
  useEffect(() => { void load(); }, []);
  useEffect(() => { if (open) void load(); }, [open]);
  const read = async (n: Notification) => {
    if (n.read) return;
    try {
      const after = await api.markRead(n.id);
      setUnreadAfterRead(after.unread);
      setList((list ?? []).map((m) => (m.id === n.id ? { ...m, read: true } : m)));
    } catch {
      setFailed(true);
    }
  };
  const readAll = async () => {
    try {
      const after = await api.markAllRead();
      setUnreadAfterRead(after.unread);
      setList((list ?? []).map((m) => ({ ...m, read: true })));
    } catch {
      setFailed(true);
    }
  };
  const count = unread.value ?? 0;
  return (
    <div class="bell">
      <button type="button" class="button button--ghost bell-button" data-testid="bell" aria-expanded={open} aria-controls="bell-panel"
        aria-label={t('bell.label', { n: count })} onClick={() => setOpen(!open)}>
        <Icon name="bell" />
        {count > 0 ? <span class="bell-count" data-testid="bell-count" aria-hidden="true">{count > 99 ? '99+' : count}</span> : null}
      </button>
      {open ? (
        <div id="bell-panel" class="bell-panel" data-testid="bell-panel" role="region" aria-label={t('bell.title')}
          onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
          <div class="bell-head">
            <h2 class="side-heading">{t('bell.title')}</h2>
            <button type="button" class="button button--small button--ghost" data-testid="bell-read-all" disabled={count === 0} onClick={readAll}>
              {t('bell.readAll')}
            </button>
          </div>
          <label class="bell-opt-in">
            <input type="checkbox" data-testid="bell-alerts" checked={alertsOn.value}
              onChange={async (e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                setAlerts(on && (await askPermission()));
              }} />
            {t('bell.alerts')}
          </label>
          {failed ? <p class="form-error" role="alert">{t('bell.failed')}</p> : null}
          {list === null ? <p class="muted">{t('app.loading')}</p> : list.length === 0 ? <p class="muted" data-testid="bell-empty">{t('bell.empty')}</p> : (
            <ul class="bell-list" data-testid="bell-list">
              {list.map((n) => (
                <li key={n.id} class={`bell-item${n.read ? '' : ' is-unread'}`} data-testid="bell-item" data-kind={n.kind}>
                  <a href={link(n)} data-testid="bell-link" onClick={() => { void read(n); setOpen(false); }}>
                    <span class="bell-kind">{t(`bell.kind.${n.kind}` as Key)}</span>
                    <span class="bell-title">{n.title}</span>
                    <time class="bell-at" dateTime={n.at}>{fmtFull(parseTime(n.at) ?? 0)}</time>
                  </a>
                  {n.read ? null : (
                    <button type="button" class="button button--small button--ghost" data-testid="bell-read"
                      aria-label={t('bell.markRead', { title: n.title })} onClick={() => read(n)}>✓</button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
