// The contact panel's quotes: the list with its actions and the builder,
// priced against the contact's latest deal when there is one (sending moves
// that deal to the quote stage, acceptance wins it).
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { businessCurrency } from '../lib/format';
import { actOnQuote, createQuote, products as loadProducts, quotePdf, quotesFor, quotesForDeal, type Product, type Quote, type QuoteAction, type QuoteInput } from '../api/quotes';
import { QuoteList } from './QuoteList';

// Opened on demand: the inbox's first load does not carry the builder.
const QuoteBuilder = lazy(() => import('./QuoteBuilder').then((m) => m.QuoteBuilder));

/// How long after the customer's latest message the list looks again: their
/// Accept tap is applied by a reaction a moment after the tap itself shows.
const TAP_SETTLES_MS = 2_500;

/** In the contact panel: the contact's quotes, new ones pricing their
 *  latest deal. In the board's deal drawer (`ofDeal`): that deal's quotes. */
export function QuotesSection({ contactId, dealId, lastActivity, onDealChanged, ofDeal = false }: { contactId: string; dealId: string | null; lastActivity: string | null; onDealChanged: () => void; ofDeal?: boolean }) {
  const [quotes, setQuotes] = useState<Quote[]>([]);
  const [catalog, setCatalog] = useState<Product[]>([]);
  const [building, setBuilding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const reload = async () => setQuotes((await (ofDeal && dealId ? quotesForDeal(dealId) : quotesFor(contactId))).items ?? []);
  useEffect(() => {
    setBuilding(false);
    setError('');
    reload().catch((e: Error) => setError(e.message));
    loadProducts().then((p) => setCatalog(p.items ?? []), () => setCatalog([]));
  }, [contactId, ofDeal ? dealId : null]);
  // A new message may be the customer's answer to a sent quote. Only a change
  // seen while the panel is open counts, and only while a quote awaits an
  // answer: an idle panel makes no reads of its own.
  const seenActivity = useRef<{ contactId: string; at: string | null } | null>(null);
  useEffect(() => {
    const seen = seenActivity.current;
    seenActivity.current = { contactId, at: lastActivity };
    if (!seen || seen.contactId !== contactId || seen.at === lastActivity) return undefined;
    if (!quotes.some((q) => q.state === 'sent')) return undefined;
    const again = window.setTimeout(() => {
      reload().then(onDealChanged, () => undefined);
    }, TAP_SETTLES_MS);
    return () => window.clearTimeout(again);
  }, [contactId, lastActivity]);

  const work = async (job: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await job();
      await reload();
      onDealChanged();
    } catch (e) {
      setError(t('quotes.failed', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="side-section" aria-labelledby="quotes-heading" data-testid="quotes-section">
      <h3 id="quotes-heading" class="side-heading">{t('quotes.title')}</h3>
      <QuoteList quotes={quotes} busy={busy} onAct={(q: Quote, a: QuoteAction) => work(() => actOnQuote(q.id, a))}
        onPdf={(q: Quote) => work(async () => { window.location.assign((await quotePdf(q.id)).url); })} />
      {building ? (
        <Suspense fallback={null}>
          <QuoteBuilder contactId={contactId} dealId={dealId} currency={businessCurrency()} products={catalog}
            onCancel={() => setBuilding(false)}
            onSave={(body: QuoteInput) => work(async () => { await createQuote(body); setBuilding(false); })} />
        </Suspense>
      ) : (
        <button type="button" class="button button--small button--secondary" data-testid="quote-new" onClick={() => setBuilding(true)}>{t('quotes.new')}</button>
      )}
      {error ? <p class="form-error" role="alert" data-testid="quotes-error">{error}</p> : null}
    </section>
  );
}
