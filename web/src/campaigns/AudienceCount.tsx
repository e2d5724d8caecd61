// The segment's live count: how many are in it and how many would get the
// message (running while the pages come in), who is left out and why, and
// the contacts lacking a parameter's field, each a link to their
// conversation.
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { number } from '../lib/format';
import { href } from '../lib/router';
import { EXCLUSIONS, excludedTotal } from './model';
import type { LiveCount } from './useLiveCount';

/** A reason's name in words (an unknown one as the API spells it). */
export const exclusionLabel = (reason: string) =>
  (EXCLUSIONS as readonly string[]).includes(reason) ? t(`campaigns.excl.${reason}` as Key) : reason;

export function AudienceCount({ live, ready }: { live: LiveCount; ready: boolean }) {
  const { count, counting, error } = live;
  const reasons = Object.entries(count.excluded).filter(([, n]) => n > 0)
    .sort(([a], [b]) => (EXCLUSIONS as readonly string[]).indexOf(a) - (EXCLUSIONS as readonly string[]).indexOf(b));
  const missingMore = (count.excluded.missing_field ?? 0) - count.missing.length;
  let status: string;
  if (!ready) status = t('campaigns.count.notReady');
  else if (error) status = '';
  else if (counting) status = t('campaigns.count.counting', { n: number(count.inSegment) });
  else status = t('campaigns.count.done', { n: count.inSegment, total: number(count.inSegment), sendable: number(count.sendable) });
  return (
    <section class="campaign-count" aria-labelledby="campaign-count-heading" data-testid="campaign-count"
      data-state={!ready ? 'idle' : error ? 'error' : counting ? 'counting' : 'done'} aria-busy={counting ? 'true' : undefined}>
      <h2 id="campaign-count-heading" class="side-heading">{t('campaigns.count.heading')}</h2>
      <p role="status" class="campaign-count-status" data-testid="campaign-count-status">
        {counting && ready && !error ? <span class="spinner spinner--small" aria-hidden="true" /> : null}
        {status}
      </p>
      {error ? (
        <div class="campaign-count-error">
          <p class="form-error" role="alert" data-testid="campaign-count-error">{error}</p>
          <button type="button" class="button button--secondary button--small" data-testid="campaign-count-again" onClick={live.again}>
            {t('campaigns.count.again')}
          </button>
        </div>
      ) : null}
      {ready && !error ? (
        <>
          <dl class="stat-cards campaign-count-cards">
            <div class="stat">
              <dt class="stat-label">{t('campaigns.count.sendable')}</dt>
              <dd class="stat-value" data-testid="campaign-sendable" data-value={String(count.sendable)}>{number(count.sendable)}</dd>
            </div>
            <div class="stat">
              <dt class="stat-label">{t('campaigns.count.excluded')}</dt>
              <dd class="stat-value" data-testid="campaign-excluded-total" data-value={String(excludedTotal(count.excluded))}>{number(excludedTotal(count.excluded))}</dd>
            </div>
          </dl>
          {reasons.length ? (
            <table class="table campaign-table" data-testid="campaign-exclusions">
              <caption class="visually-hidden">{t('campaigns.count.excludedCaption')}</caption>
              <thead><tr><th scope="col">{t('campaigns.count.reason')}</th><th scope="col" class="num">{t('campaigns.count.contacts')}</th></tr></thead>
              <tbody>
                {reasons.map(([reason, n]) => (
                  <tr key={reason} data-testid="campaign-exclusion" data-reason={reason} data-value={String(n)}>
                    <td>
                      <span class="campaign-reason">{exclusionLabel(reason)}</span>
                      {(EXCLUSIONS as readonly string[]).includes(reason) ? <span class="field-hint">{t(`campaigns.exclWhy.${reason}` as Key)}</span> : null}
                    </td>
                    <td class="num">{number(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {count.missing.length ? (
            <div class="campaign-missing" data-testid="campaign-missing">
              <h3 class="campaign-subheading" id="campaign-missing-heading">{t('campaigns.count.missingHeading')}</h3>
              <ul class="campaign-missing-list" aria-labelledby="campaign-missing-heading">
                {count.missing.map((m) => (
                  <li key={m.contact_id} data-testid="campaign-missing-item" data-contact-id={m.contact_id} data-field={m.field}>
                    <a href={href({ name: 'inbox', contact: m.contact_id })}>{m.name || t('campaigns.count.noName')}</a>
                    <span class="muted">{t('campaigns.count.lacks', { field: fieldLabel(m.field) })}</span>
                  </li>
                ))}
              </ul>
              {missingMore > 0 ? <p class="muted">{t('campaigns.count.missingMore', { n: missingMore, count: number(missingMore) })}</p> : null}
              <p class="field-hint">{t('campaigns.count.missingHint')}</p>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** A parameter's field in words. */
export function fieldLabel(field: string): string {
  if (field === 'first_name') return t('campaigns.field.firstName');
  if (field === 'name') return t('campaigns.field.name');
  return field;
}
