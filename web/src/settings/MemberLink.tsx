// An administrator's link controls for one teammate: a fresh one-time link
// (the invitation again for someone who has not joined, a password reset
// for someone who forgot theirs) and revoking the outstanding one.
import * as teamApi from '../api/team';
import type { Link, User } from '../api/team';
import { t } from '../i18n';

interface Props {
  member: User;
  onIssued: (link: Link) => void;
  onRevoked: (email: string) => void;
  onError: (e: unknown) => void;
}

export function MemberLink({ member, onIssued, onRevoked, onError }: Props) {
  const deactivated = !member.active && !member.invited;
  const issue = async () => {
    try {
      onIssued(await teamApi.issueLink(member.email));
    } catch (e) {
      onError(e);
    }
  };
  const revoke = async () => {
    try {
      await teamApi.revokeLink(member.email);
      onRevoked(member.email);
    } catch (e) {
      onError(e);
    }
  };
  return (
    <span class="member-actions">
      <button type="button" class="button button--small button--ghost" data-testid="issue-link" disabled={deactivated} onClick={issue}>
        {member.invited ? t('settings.newInvitationLink') : t('settings.resetLink')}
      </button>
      <button type="button" class="button button--small button--ghost" data-testid="revoke-link" onClick={revoke}>
        {t('settings.revokeLink')}
      </button>
    </span>
  );
}
