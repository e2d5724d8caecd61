// The dashboard for managers and administrators. This module and the chart
// library load only when the screen opens (their own chunk).
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { SignedOut } from '../api/client';
import * as reportsApi from '../api/reports';
import { t } from '../i18n';
import { ScrollingTable } from '../components/ScrollingTable';
import { DAY_MS, isoDay, money, number } from '../lib/format';
import { isManager } from '../lib/session';
import { navigate, route } from '../lib/router';
import type { Pipeline } from '../api/deals';
import * as dealsApi from '../api/deals';
import type { Stage } from '../api/deals';
import { items } from '../api/client';
import { stageName } from '../inbox/Panel';
import { LeadSourceReport } from './LeadSourceReport';
import { SpendReport } from './SpendReport';
import { errorText } from '../lib/errorText';

interface Series {
  label: string;
  values: (number | null)[];
  stroke: string;
}

/** A line chart of `series` over days; labels are set as text by uPlot. */
function Chart({ title, days, series, testid, range }: { title: string; days: string[]; series: Series[]; testid: string; range: [string, string] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || days.length === 0) return undefined;
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const width = Math.max(280, Math.min(el.clientWidth || 600, 900));
    // The x axis spans the chosen range: left to itself, uPlot stretches a
    // single day over years.
    const start = Date.parse(`${range[0]}T00:00:00Z`) / 1000;
    const end = Date.parse(`${range[1]}T00:00:00Z`) / 1000;
    const plot = new uPlot({
      width, height: 220,
      scales: { x: { time: true, range: () => [start, Math.max(end, start + 86_400)] } },
      hooks: {
        // The span drawn, readable where the canvas is not.
        setScale: [(u, key) => {
          if (key !== 'x') return;
          el.dataset.xMin = String(u.scales.x?.min ?? '');
          el.dataset.xMax = String(u.scales.x?.max ?? '');
        }],
      },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
      axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
      legend: { show: true },
    }, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    return () => plot.destroy();
  }, [JSON.stringify([days, series, range])]);
  return (
    <figure class="chart" data-testid={testid}>
      <figcaption class="side-heading">{title}</figcaption>
      {days.length === 0 ? <p class="muted">{t('dash.noData')}</p> : <div ref={box} role="img" aria-label={title} />}
    </figure>
  );
}

export function Dashboard() {
  const now = Date.now();
  const [from, setFrom] = useState(isoDay(now - 29 * DAY_MS));
  const [to, setTo] = useState(isoDay(now));
  const [data, setData] = useState<{
    first: reportsApi.FirstResponse; messages: reportsApi.MessagesPerDay; funnel: reportsApi.Funnel; workload: reportsApi.Workload;
    stages: Stage[];
  } | null>(null);
  const [error, setError] = useState('');
  const [pipelines, setPipelines] = useState<Pipeline[]>([]);
  // The funnel's pipeline is in the URL (#/dashboard?pipeline=<id>).
  const current = route.value;
  const pipeline = (current.name === 'dashboard' ? current.pipeline : undefined) ?? 'sales';
  useEffect(() => {
    if (!isManager()) return;
    let live = true;
    Promise.all([
      reportsApi.firstResponse({ from, to }), reportsApi.messagesPerDay({ from, to }), reportsApi.funnel(pipeline), reportsApi.workload(),
      dealsApi.pipelines(),
    ]).then(([first, messages, funnel, workload, pipelines]) => {
      if (live) {
        setPipelines(items(pipelines));
        const stages = items(pipelines).find((p) => p.id === funnel.pipeline)?.stages ?? [];
        setData({ first, messages, funnel, workload, stages });
        setError('');
      }
    }).catch((e) => {
      if (live && !(e instanceof SignedOut)) setError(errorText(e));
    });
    return () => {
      live = false;
    };
  }, [from, to, pipeline]);
  if (!isManager()) {
    return <section class="page" data-testid="dashboard"><h1 class="pane-title">{t('nav.dashboard')}</h1><p class="muted">{t('dash.managersOnly')}</p></section>;
  }
  const minutes = (s: number | null) => (s === null ? null : Math.round(s / 6) / 10);
  return (
    <section class="page" data-testid="dashboard" aria-labelledby="dash-heading">
      <div class="page-head">
        <h1 id="dash-heading" class="pane-title">{t('nav.dashboard')}</h1>
        <div class="range">
          <label for="dash-from">{t('dash.from')}</label>
          <input id="dash-from" type="date" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
          <label for="dash-to">{t('dash.to')}</label>
          <input id="dash-to" type="date" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </div>
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {!data ? <p class="muted">{t('app.loading')}</p> : (
        <div class="dash-grid">
          <section class="stat-cards" aria-label={t('dash.workload')} data-testid="dash-workload">
            <div class="stat"><span class="stat-value">{number(data.workload.unassigned)}</span><span class="stat-label">{t('queue.unassigned')}</span></div>
            <div class="stat"><span class="stat-value">{number(data.workload.overdue)}</span><span class="stat-label">{t('queue.overdue')}</span></div>
            <div class="stat"><span class="stat-value">{number(data.workload.tasks_due_today)}</span><span class="stat-label">{t('dash.tasksToday')}</span></div>
            <div class="stat"><span class="stat-value">{number(data.workload.tasks_overdue)}</span><span class="stat-label">{t('dash.tasksOverdue')}</span></div>
          </section>
          <Chart title={t('dash.messages')} testid="chart-messages" range={[from, to]} days={data.messages.items.map((d) => d.day)} series={[
            { label: t('dash.inbound'), values: data.messages.items.map((d) => d.inbound), stroke: '#128c7e' },
            { label: t('dash.outbound'), values: data.messages.items.map((d) => d.outbound), stroke: '#3b82f6' },
          ]} />
          {/* The chart is a picture: the range's totals are also given as text. */}
          <p class="muted" data-testid="dash-messages-total"
            data-inbound={String(data.messages.items.reduce((n, d) => n + d.inbound, 0))}
            data-outbound={String(data.messages.items.reduce((n, d) => n + d.outbound, 0))}>
            {t('dash.messagesTotal', {
              inbound: number(data.messages.items.reduce((n, d) => n + d.inbound, 0)),
              outbound: number(data.messages.items.reduce((n, d) => n + d.outbound, 0)),
            })}
          </p>
          <Chart title={t('dash.firstResponse')} testid="chart-first-response" range={[from, to]} days={data.first.by_day.map((d) => d.day)} series={[
            { label: t('dash.median'), values: data.first.by_day.map((d) => minutes(d.median_seconds)), stroke: '#128c7e' },
            { label: t('dash.p90'), values: data.first.by_day.map((d) => minutes(d.p90_seconds)), stroke: '#d97706' },
          ]} />
          <section data-testid="dash-agents">
            <h2 class="side-heading">{t('dash.byAgent')}</h2>
            {data.first.by_agent.length ? (
              <ScrollingTable label={t('dash.byAgent')}>
                <table class="table">
                  <thead><tr><th scope="col">{t('dash.agent')}</th><th scope="col">{t('dash.answered')}</th><th scope="col">{t('dash.median')}</th><th scope="col">{t('dash.p90')}</th></tr></thead>
                  <tbody>{data.first.by_agent.map((a) => (
                    <tr key={a.agent} data-testid="dash-agent" data-answered={String(a.answered)}><td>{a.agent}</td><td>{number(a.answered)}</td><td>{minutes(a.median_seconds) ?? '—'}</td><td>{minutes(a.p90_seconds) ?? '—'}</td></tr>
                  ))}</tbody>
                </table>
              </ScrollingTable>
            ) : <p class="muted" data-testid="dash-agents-empty">{t('dash.noData')}</p>}
          </section>
          <section data-testid="dash-funnel">
            <h2 class="side-heading">{t('dash.funnel')}</h2>
            {pipelines.length > 1 ? (
              <label class="inline-label">
                <span>{t('dash.funnelPipeline')}</span>
                <select data-testid="funnel-pipeline" value={pipeline} onChange={(e) => {
                  navigate({ name: 'dashboard', pipeline: (e.currentTarget as HTMLSelectElement).value }, { replace: true });
                }}>
                  {pipelines.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
                </select>
              </label>
            ) : null}
            <p>{t('dash.wonValue', { value: money(data.funnel.won_value_minor, null) })}</p>
            <ol class="funnel">
              {data.funnel.stages.map((s) => {
                const top = Math.max(1, ...data.funnel.stages.map((x) => x.reached));
                return (
                  <li key={s.stage} data-testid="funnel-stage" data-stage={s.stage} data-reached={String(s.reached)}>
                    <span class="funnel-label">{stageName(data.stages, s.stage)}</span>
                    <meter min={0} max={top} value={s.reached} aria-label={stageName(data.stages, s.stage)} />
                    <span>{number(s.reached)}{s.conversion_percent !== null ? ` · ${s.conversion_percent}%` : ''}</span>
                  </li>
                );
              })}
            </ol>
          </section>
          <LeadSourceReport from={from} to={to} />
          <SpendReport initialMonth={to.slice(0, 7)} />
        </div>
      )}
    </section>
  );
}
