// The latest campaigns, newest first: where each stands, when it starts,
// how many it counted and what it was estimated to cost.
import { useEffect, useState } from 'preact/hooks';
import * as campaignsApi from '../api/campaigns';
import type { Campaign } from '../api/campaigns';
import { items } from '../api/client';
import { t } from '../i18n';
import { fmtFull, money, number, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { useError } from '../lib/useError';
import { StatusBadge } from './StatusBadge';

export function CampaignList() {
  const [list, setList] = useState<Campaign[] | null>(null);
  const [error, setError, fail] = useError();
  useEffect(() => {
    let live = true;
    campaignsApi.campaigns().then((p) => { if (live) { setList(items(p)); setError(''); } }).catch((e) => { if (live) fail(e); });
    return () => { live = false; };
  }, []);
  return (
    <section class="page" data-testid="campaigns" aria-labelledby="campaigns-heading">
      <div class="page-head">
        <h1 id="campaigns-heading" class="pane-title">{t('campaigns.title')}</h1>
        <a class="button button--primary" href={href({ name: 'campaigns', campaign: 'new' })} data-testid="campaign-new">{t('campaigns.new')}</a>
      </div>
      <p class="muted">{t('campaigns.intro')}</p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list === null ? (error ? null : <p class="muted">{t('app.loading')}</p>) : list.length === 0 ? (
        <p class="muted" data-testid="campaigns-empty">{t('campaigns.empty')}</p>
      ) : (
        <table class="table campaign-table" data-testid="campaign-list">
          <thead>
            <tr>
              <th scope="col">{t('campaigns.name')}</th><th scope="col">{t('campaigns.statusCol')}</th><th scope="col">{t('campaigns.startsCol')}</th>
              <th scope="col" class="num">{t('campaigns.recipientsCol')}</th><th scope="col" class="num">{t('campaigns.estimate')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => {
              const at = parseTime(c.send_at);
              return (
                <tr key={c.id} data-testid="campaign-row" data-campaign-id={c.id}>
                  <th scope="row"><a href={href({ name: 'campaigns', campaign: c.id })}>{c.name}</a></th>
                  <td><StatusBadge status={c.status} testId="campaign-row-status" /></td>
                  <td>{at === null ? '—' : fmtFull(at)}</td>
                  <td class="num">{number(c.estimated_recipients)}</td>
                  <td class="num">{money(c.estimate_minor, c.currency)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
