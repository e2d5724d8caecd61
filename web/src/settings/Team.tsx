// Settings → Team: the team for supervisors; for administrators also roles,
// activation, invitations and each teammate's one-time link.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import type { Role } from '../api/session';
import * as teamApi from '../api/team';
import type { Link, User } from '../api/team';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { isAdmin, user } from '../lib/session';
import { useError } from '../lib/useError';
import { MemberLink } from './MemberLink';

/** What the last link action left to show: a sentence, and the link to share if there is one. */
interface Shown {
  note: string;
  url: string | null;
}

const shareable = (link: Link) => `${location.origin}/${href({ name: 'accept', token: link.token })}`;

export function Team() {
  const [list, setList] = useState<User[]>([]);
  const [error, setError, fail] = useError();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [shown, setShown] = useState<Shown | null>(null);
  const load = () => teamApi.users().then((p) => setList(items(p))).catch(fail);
  useEffect(() => { load(); }, []);
  const update = async (u: User, body: teamApi.UserPatch) => {
    try {
      await teamApi.updateUser(u.email, body);
      setError('');
      load();
    } catch (e) {
      fail(e);
    }
  };
  const issued = (link: Link) => {
    const at = parseTime(link.expires_at);
    const vars = { email: link.email, until: at !== null ? fmtFull(at) : link.expires_at };
    setShown({ note: t(link.kind === 'password_reset' ? 'settings.resetIssued' : 'settings.invitationIssued', vars), url: shareable(link) });
    setError('');
  };
  const revoked = (who: string) => {
    setShown({ note: t('settings.revoked', { email: who }), url: null });
    setError('');
  };
  return (
    <section class="settings-section" aria-labelledby="team-heading" data-testid="settings-team">
      <h2 id="team-heading" class="side-heading">{t('settings.team')}</h2>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {/* The invitation comes first: the list lands after it and pushes nothing under a pointer. */}
      {isAdmin() ? (
        <form class="field-form invite-form" data-testid="invite-form" novalidate onSubmit={async (e) => {
          e.preventDefault();
          try {
            const link = await teamApi.invite(email.trim(), name.trim(), role);
            setShown({ note: t('settings.inviteLink'), url: shareable(link) });
            setEmail('');
            setName('');
            setError('');
            load();
          } catch (err) {
            fail(err);
          }
        }}>
          <h3 class="side-heading">{t('settings.invite')}</h3>
          <label for="invite-email">{t('signin.email')}</label>
          <input id="invite-email" type="email" data-testid="invite-email" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
          <label for="invite-name">{t('panel.name')}</label>
          <input id="invite-name" type="text" data-testid="invite-name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          <label for="invite-role">{t('settings.role')}</label>
          <select id="invite-role" data-testid="invite-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {(['agent', 'manager', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role.${r}` as Key)}</option>)}
          </select>
          <button type="submit" class="button button--primary" data-testid="invite-submit">{t('settings.sendInvite')}</button>
        </form>
      ) : null}
      {shown ? (
        <p class="invite-link" data-testid="invite-link-wrap" role="status">
          <span data-testid="link-message">{shown.note}</span>
          {shown.url ? <> <output data-testid="invite-link">{shown.url}</output></> : null}
        </p>
      ) : null}
      <h3 class="side-heading" id="members-heading">{t('settings.members')}</h3>
      <ul class="team-list" aria-labelledby="members-heading">
        {list.map((u) => (
          <li class="team-member" key={u.email} data-testid="member" data-email={u.email}>
            <span class="member-name">{u.name || u.email}</span>
            <span class="member-email">{u.email}</span>
            {u.invited ? <span class="chip" data-testid="member-state">{t('settings.invited')}</span>
              : !u.active ? <span class="chip chip--closed" data-testid="member-state">{t('settings.inactive')}</span> : null}
            {isAdmin() && u.email !== user.value?.email ? (
              <span class="member-actions">
                <label class="visually-hidden" for={`role-${u.email}`}>{t('settings.roleOf', { name: u.name || u.email })}</label>
                <select id={`role-${u.email}`} data-testid="member-role" value={u.role} onChange={(e) => update(u, { role: (e.currentTarget as HTMLSelectElement).value as Role })}>
                  {(['agent', 'manager', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role.${r}` as Key)}</option>)}
                </select>
                {!u.invited ? (
                  <button type="button" class="button button--small button--ghost" data-testid="member-active" onClick={() => update(u, { active: !u.active })}>
                    {u.active ? t('settings.deactivate') : t('settings.activate')}
                  </button>
                ) : null}
                <MemberLink member={u} onIssued={issued} onRevoked={revoked} onError={fail} />
              </span>
            ) : <span class="member-role">{t(`role.${u.role}` as Key)}</span>}
            {u.email === user.value?.email ? (
              <button type="button" class="button button--small button--secondary" data-testid="my-availability" onClick={() => update(u, { available: !u.available })}>
                {u.available ? t('settings.goAway') : t('settings.goAvailable')}
              </button>
            ) : <span class="member-availability">{u.available ? t('settings.available') : t('settings.away')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
