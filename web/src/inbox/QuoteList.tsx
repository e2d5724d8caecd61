// A contact's quotes and invoices with their state and the next actions
// (send on WhatsApp, accept, decline, convert to invoice, mark paid) and
// its PDF.
import { t } from '../i18n';
import { money } from '../lib/format';
import { actionsFor, type Quote, type QuoteAction } from '../api/quotes';

const ACTION_KEYS = {
  send: 'quotes.send',
  accept: 'quotes.accept',
  decline: 'quotes.decline',
  invoice: 'quotes.invoice',
  paid: 'quotes.paid',
} as const;

export function QuoteList({ quotes, busy, onAct, onPdf }: { quotes: Quote[]; busy: boolean; onAct: (q: Quote, a: QuoteAction) => void; onPdf: (q: Quote) => void }) {
  if (!quotes.length) return <p class="side-empty">{t('quotes.none')}</p>;
  return (
    <ul class="deal-list" data-testid="quotes">
      {quotes.map((q) => (
        <li class="deal" key={q.id} data-testid="quote" data-quote-id={q.id} data-state={q.state}>
          <div class="deal-top">
            <span class="deal-title" data-testid="quote-number">{q.invoice_number ?? q.number}</span>
            <span class="deal-value" data-testid="quote-total">{money(q.totals.total_minor, q.currency)}</span>
          </div>
          <div class="deal-stage-row">
            <span class="chip chip--stage" data-testid="quote-state">{t(`quotes.state.${q.state}`)}</span>
            <button type="button" class="button button--small button--secondary" data-testid="quote-pdf" disabled={busy} onClick={() => onPdf(q)}>
              {t('quotes.pdf')}
            </button>
            {actionsFor(q.state).map((a) => (
              <button key={a} type="button" class="button button--small button--secondary" data-testid={`quote-${a}`} disabled={busy} onClick={() => onAct(q, a)}>
                {t(ACTION_KEYS[a])}
              </button>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}
