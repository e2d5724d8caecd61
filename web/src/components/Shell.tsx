// The signed-in frame: navigation (a side bar on a desktop, a bottom bar on
// a phone), the user and sign-out, and the desk where WhatsApp calls ring.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import * as sessionApi from '../api/session';
import { ApiError } from '../api/client';
import { CallDesk } from '../calls/CallDesk';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import type { IconName } from '../inbox/model';
import { href, route, type Route } from '../lib/router';
import { isManager, signedOut, user } from '../lib/session';
import { Bell } from '../notifications/Bell';
import { DeadLetters } from './DeadLetters';
import { Icon } from './Icon';

const NAV: { name: Route['name']; to: Route; key: Key; icon: IconName; managers?: true }[] = [
  { name: 'inbox', to: { name: 'inbox', contact: null }, key: 'nav.inbox', icon: 'inbox' },
  { name: 'tasks', to: { name: 'tasks' }, key: 'nav.tasks', icon: 'tasks' },
  { name: 'pipeline', to: { name: 'pipeline' }, key: 'nav.pipeline', icon: 'pipeline' },
  { name: 'dashboard', to: { name: 'dashboard' }, key: 'nav.dashboard', icon: 'dashboard' },
  { name: 'campaigns', to: { name: 'campaigns', campaign: null }, key: 'nav.campaigns', icon: 'ad', managers: true },
  { name: 'settings', to: { name: 'settings', section: 'team' }, key: 'nav.settings', icon: 'settings' },
];

export function Shell({ children }: { children: ComponentChildren }) {
  const me = user.value;
  const current = route.value.name;
  const [error, setError] = useState('');
  const signOut = async () => {
    try {
      await sessionApi.logout();
      history.replaceState(null, '', location.pathname + location.search);
      signedOut();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) signedOut();
      else setError(t('shell.signOutFailed'));
    }
  };
  return (
    <div class={`shell shell--${current}`}>
      <header class="topbar">
        <div class="brand">
          <img class="brand-mark" src="/favicon.svg" alt="" width="28" height="28" />
          <span class="brand-name">Parley</span>
        </div>
        <nav class="nav" aria-label={t('nav.label')}>
          {NAV.filter((n) => !n.managers || isManager()).map((n) => (
            <a key={n.name} href={href(n.to)} class={`nav-item${current === n.name ? ' is-current' : ''}`} aria-current={current === n.name ? 'page' : undefined}
              data-testid={`nav-${n.name}`}>
              <Icon name={n.icon} />
              <span class="nav-label">{t(n.key)}</span>
            </a>
          ))}
        </nav>
        <div class="topbar-user">
          <Bell />
          {me?.role === 'admin' ? <DeadLetters /> : null}
          <span class="user-label">
            <span class="user-email" data-testid="user-email">{me?.email ?? ''}</span>
            <span class="user-role" data-testid="user-role">{me ? t(`role.${me.role}` as Key) : ''}</span>
          </span>
          <button class="button button--ghost sign-out" type="button" data-testid="sign-out" onClick={signOut} aria-label={t('shell.signOut')}>
            <Icon name="signout" /><span class="sign-out-label">{t('shell.signOut')}</span>
          </button>
        </div>
      </header>
      {error ? <div class="app-error" role="status">{error}</div> : null}
      <div class="screen">{children}</div>
      <CallDesk />
    </div>
  );
}
