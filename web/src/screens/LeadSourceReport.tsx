// The dashboard's lead sources: for the chosen days, leads, conversations
// and won deals per first-touch source, and per click-to-WhatsApp ad.
import * as reportsApi from '../api/reports';
import { AdLink } from '../components/AdLink';
import { t } from '../i18n';
import { ScrollingTable } from '../components/ScrollingTable';
import { money, number } from '../lib/format';
import { sourceLabel } from '../lib/leadSource';
import { useReport } from '../lib/useReport';

const rate = (percent: number | null) => (percent === null ? '—' : `${Math.round(percent)}%`);

export function LeadSourceReport({ from, to }: { from: string; to: string }) {
  const [report, error] = useReport(() => reportsApi.sources({ from, to }), [from, to]);
  return (
    <section data-testid="dash-sources" aria-labelledby="dash-sources-heading">
      <h2 id="dash-sources-heading" class="side-heading">{t('dash.sources')}</h2>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {!report ? <p class="muted">{t('app.loading')}</p> : (
        <>
          {report.sources.length === 0 ? <p class="muted">{t('dash.sourcesNone')}</p> : (
            <ScrollingTable label={t('dash.sources')}>
              <table class="table">
                <thead><tr>
                  <th scope="col">{t('dash.source')}</th><th scope="col">{t('dash.leads')}</th><th scope="col">{t('dash.conversations')}</th>
                  <th scope="col">{t('dash.won')}</th><th scope="col">{t('dash.wonValueColumn')}</th><th scope="col">{t('dash.winRate')}</th>
                </tr></thead>
                <tbody>{report.sources.map((s) => (
                  <tr key={s.source} data-testid="dash-source" data-source={s.source} data-leads={String(s.leads)} data-conversations={String(s.conversations)} data-won={String(s.won)} data-won-minor={String(s.won_minor)}>
                    <td>{sourceLabel(s.source, s.name)}</td><td>{number(s.leads)}</td><td>{number(s.conversations)}</td>
                    <td>{number(s.won)}</td><td>{money(s.won_minor, report.currency)}</td><td>{rate(s.win_rate_percent)}</td>
                  </tr>
                ))}</tbody>
              </table>
            </ScrollingTable>
          )}
          <h3 class="side-heading">{t('dash.ads')}</h3>
          <p class="muted small">{t('dash.adsNote')}</p>
          {report.ads.length === 0 ? <p class="muted">{t('dash.adsNone')}</p> : (
            <ScrollingTable label={t('dash.ads')}>
              <table class="table">
                <thead><tr>
                  <th scope="col">{t('dash.ad')}</th><th scope="col">{t('dash.leads')}</th><th scope="col">{t('dash.conversations')}</th>
                  <th scope="col">{t('dash.won')}</th><th scope="col">{t('dash.wonValueColumn')}</th>
                </tr></thead>
                <tbody>{report.ads.map((a) => (
                  <tr key={a.ad.ad_id} data-testid="dash-ad" data-ad-id={a.ad.ad_id} data-leads={String(a.leads)} data-conversations={String(a.conversations)} data-won={String(a.won)} data-won-minor={String(a.won_minor)}>
                    <td>
                      <AdLink ad={a.ad} />
                      <span class="muted small"> · {a.ad.ad_id}</span>
                    </td>
                    <td>{number(a.leads)}</td><td>{number(a.conversations)}</td><td>{number(a.won)}</td><td>{money(a.won_minor, report.currency)}</td>
                  </tr>
                ))}</tbody>
              </table>
            </ScrollingTable>
          )}
        </>
      )}
    </section>
  );
}
