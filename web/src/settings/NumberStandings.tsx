// What Meta last said of each business number on the health page: its
// quality (flagged or not), its messaging limit, and the account's standing
// (Meta's account events mostly name no number: the whole account).
// A flag, a downgrade or a restriction is marked: campaigns feel it first.
import type { Health as HealthReport } from '../api/health';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';

type Standing = NonNullable<HealthReport['numbers']>[number];

const words = (code: string | null | undefined) => (code ? code.replace(/_/g, ' ').toLowerCase() : '—');
const when = (at: string | null | undefined) => {
  const ms = parseTime(at);
  return ms === null ? '' : ` · ${fmtFull(ms)}`;
};

function NumberRow({ n }: { n: Standing }) {
  return (
    <li class={`queue-card${n.needs_attention ? ' health-bad' : ''}`} data-testid="health-number" data-number={n.number}
      data-attention={String(n.needs_attention)}>
      <strong>{n.account_wide ? t('health.wholeAccount', { id: n.number }) : `+${n.number}`}</strong>
      <dl class="health-facts">
        <dt>{t('health.quality')}</dt><dd data-testid="health-number-quality">{words(n.quality_event)}{when(n.quality_at)}</dd>
        <dt>{t('health.limit')}</dt><dd data-testid="health-number-limit">{words(n.messaging_limit)}</dd>
        <dt>{t('health.account')}</dt>
        <dd data-testid="health-number-account">{words(n.account_event)}{n.account_detail ? ` (${words(n.account_detail)})` : ''}{when(n.account_at)}</dd>
      </dl>
      {n.needs_attention ? <p data-testid="health-number-advice">{t('health.numberAdvice')}</p> : null}
    </li>
  );
}

export function NumberStandings({ numbers }: { numbers: HealthReport['numbers'] }) {
  if (numbers === null || numbers === undefined) return <p class="muted">{t('health.unreadable')}</p>;
  if (numbers.length === 0) return <p class="muted" data-testid="health-numbers-none">{t('health.numbersNone')}</p>;
  return <ul class="queue-cards" data-testid="health-numbers">{numbers.map((n) => <NumberRow key={n.number} n={n} />)}</ul>;
}
