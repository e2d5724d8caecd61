// The volume tiers Meta says each account reached this month, per category
// and market (Meta's account_update webhook). Meta names the tier's message
// range, not its price: the rate-card editor offers a line for each.
import type { Health as HealthReport } from '../api/health';
import { t } from '../i18n';
import { categoryLabel } from '../inbox/model';
import { number } from '../lib/format';

type Tier = NonNullable<HealthReport['volume_tiers']>[number];

/** "From message 25,000,001 to 50,000,000", or "… on" for the top tier. */
export const tierRange = (tier: Tier) =>
  tier.tier_to === null || tier.tier_to === undefined
    ? t('tiers.rangeTop', { from: number(tier.tier_from) })
    : t('tiers.range', { from: number(tier.tier_from), to: number(tier.tier_to) });

/** One account's tier per category and region: Meta keeps one of each. */
export const tierKey = (tier: Tier) => `${tier.account}:${tier.category}:${tier.region}`;

/** "Utility · India (+91) · 2025-11". */
export const tierPlace = (tier: Tier) =>
  `${categoryLabel(tier.category)} · ${tier.region}${tier.market ? ` (+${tier.market})` : ''} · ${tier.effective_month}`;

export function VolumeTiers({ tiers }: { tiers: HealthReport['volume_tiers'] }) {
  if (tiers === null || tiers === undefined) return <p class="muted">{t('health.unreadable')}</p>;
  if (tiers.length === 0) return <p class="muted" data-testid="health-tiers-none">{t('health.volumeTiersNone')}</p>;
  return (
    <ul class="queue-cards" data-testid="health-tiers">
      {tiers.map((tier) => (
        <li class="queue-card" key={tierKey(tier)} data-testid="health-tier">
          <strong>{tierPlace(tier)}</strong>
          <p data-testid="health-tier-range">{tierRange(tier)}</p>
        </li>
      ))}
    </ul>
  );
}
