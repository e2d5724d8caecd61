// The dashboard's spend: for a chosen month, the messages Meta priced by
// category, by business number and by the teammate who sent them, what the billable ones cost at the
// business's rate card, and where the month will end if it goes on so.
import { useEffect, useState } from 'preact/hooks';
import * as reportsApi from '../api/reports';
import { t } from '../i18n';
import { ScrollingTable } from '../components/ScrollingTable';
import { categoryLabel } from '../inbox/model';
import { money, number } from '../lib/format';
import { loadBusinessNumbers, numberLabel } from '../lib/numbers';
import { useReport } from '../lib/useReport';

export function SpendReport({ initialMonth }: { initialMonth: string }) {
  const [month, setMonth] = useState(initialMonth);
  useEffect(() => setMonth(initialMonth), [initialMonth]);
  useEffect(() => { void loadBusinessNumbers(); }, []);
  const [report, error] = useReport(() => reportsApi.spend(month), [month]);
  // Markets Meta prices only in USD stay in USD: each currency is shown.
  const cost = (costs: reportsApi.Money[]) => (costs.length ? costs.map((c) => money(c.amount_minor, c.currency)).join(' + ') : money(0, null));
  return (
    <section data-testid="dash-spend" aria-labelledby="dash-spend-heading">
      <h2 id="dash-spend-heading" class="side-heading">{t('dash.spend', { month })}</h2>
      <label class="inline-label">
        <span>{t('dash.spendMonth')}</span>
        <input data-testid="dash-spend-month" type="month" value={month}
          onChange={(e) => { const v = (e.currentTarget as HTMLInputElement).value; if (v) setMonth(v); }} />
      </label>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {report ? (
        <>
          <p data-testid="dash-spend-total">
            {t('dash.spendTotal', { cost: cost(report.total.costs), forecast: cost(report.total.costs_forecast) })}
          </p>
          <ScrollingTable label={t('dash.spend', { month })}>
            <table class="table">
              <thead><tr>
                <th scope="col">{t('settings.category')}</th><th scope="col">{t('dash.billable')}</th><th scope="col">{t('dash.free')}</th>
                <th scope="col">{t('dash.cost')}</th><th scope="col">{t('dash.forecast')}</th>
              </tr></thead>
              <tbody>{report.items.map((s) => (
                <tr key={s.category}>
                  <td>{categoryLabel(s.category)}</td><td>{number(s.billable)}</td><td>{number(s.free)}</td>
                  <td>{cost(s.costs)}</td><td>{number(s.billable_forecast)}</td>
                </tr>
              ))}</tbody>
            </table>
          </ScrollingTable>
          {report.by_number.length > 1 ? (
            <ScrollingTable label={t('filters.number')}>
              <table class="table" data-testid="dash-spend-numbers">
                <thead><tr>
                  <th scope="col">{t('filters.number')}</th><th scope="col">{t('dash.billable')}</th><th scope="col">{t('dash.free')}</th><th scope="col">{t('dash.cost')}</th>
                </tr></thead>
                <tbody>{report.by_number.map((n) => (
                  <tr key={n.phone_number_id}>
                    <td>{n.phone_number_id ? numberLabel(n.phone_number_id) : t('dash.earlierNumbers')}</td>
                    <td>{number(n.billable)}</td><td>{number(n.free)}</td><td>{cost(n.costs)}</td>
                  </tr>
                ))}</tbody>
              </table>
            </ScrollingTable>
          ) : null}
          {report.by_agent.some((a) => a.agent) ? (
            <ScrollingTable label={t('dash.spendByAgent')}>
              <table class="table" data-testid="dash-spend-agents">
                <caption>{t('dash.spendByAgent')}</caption>
                <thead><tr>
                  <th scope="col">{t('dash.agent')}</th><th scope="col">{t('dash.billable')}</th><th scope="col">{t('dash.free')}</th>
                  <th scope="col">{t('dash.cost')}</th><th scope="col">{t('dash.forecast')}</th>
                </tr></thead>
                <tbody>{report.by_agent.map((a) => (
                  <tr key={a.agent} data-testid="dash-spend-agent" data-agent={a.agent}>
                    <td>{a.agent || t('dash.spendAutomations')}</td>
                    <td>{number(a.billable)}</td><td>{number(a.free)}</td><td>{cost(a.costs)}</td><td>{number(a.billable_forecast)}</td>
                  </tr>
                ))}</tbody>
              </table>
            </ScrollingTable>
          ) : null}
          <p class="muted" data-testid="dash-spend-forecast">{t('dash.forecastNote', { elapsed: number(report.days_elapsed), days: number(report.days_in_month) })}</p>
        </>
      ) : null}
    </section>
  );
}
