// Where a campaign stands, as a coloured label.
import type { CampaignStatus } from '../api/campaigns';
import { t } from '../i18n';
import type { Key } from '../i18n/en';

export const statusLabel = (s: CampaignStatus) => t(`campaigns.status.${s}` as Key);

export function StatusBadge({ status, testId }: { status: CampaignStatus; testId: string }) {
  return <span class={`campaign-status campaign-status--${status}`} data-testid={testId} data-status={status}>{statusLabel(status)}</span>;
}
