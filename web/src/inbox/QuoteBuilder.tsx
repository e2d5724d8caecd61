// The quote builder: lines (from the catalog or free text), GST with the
// customer's state or one named tax, validity and terms. The totals shown
// are the server's own (`/api/quotes/preview`), so they match the saved quote.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { business } from '../lib/business';
import { isoDay, money } from '../lib/format';
import { previewQuote, type Product, type QuoteInput, type QuoteLine, type QuoteTotals, type TaxScheme } from '../api/quotes';

interface Row { description: string; quantity: string; price: string; discount: string; tax: string; unit: string; productId?: string }

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;
const emptyRow = (): Row => ({ description: '', quantity: '1', price: '', discount: '0', tax: '18', unit: '' });

function toLine(r: Row): QuoteLine | null {
  const quantity = Number(r.quantity), price = Number(r.price), discount = Number(r.discount || 0), tax = Number(r.tax || 0);
  if (!r.description.trim() || ![quantity, price, discount, tax].every(Number.isFinite)) return null;
  return {
    product_id: r.productId ?? null,
    description: r.description.trim(),
    quantity_milli: Math.round(quantity * 1000),
    unit: r.unit,
    unit_price_minor: Math.round(price * 100),
    discount_bp: Math.round(discount * 100),
    tax_rate_bp: Math.round(tax * 100),
  };
}

/** The business's date `days` from now (its zone, not the browser's). */
function inDays(days: number): string {
  return isoDay(Date.now() + days * 86_400_000);
}

export function QuoteBuilder({ contactId, dealId, currency, products, onSave, onCancel }: {
  contactId: string; dealId: string | null; currency: string; products: Product[];
  onSave: (body: QuoteInput) => Promise<void>; onCancel: () => void;
}) {
  const [rows, setRows] = useState<Row[]>([emptyRow()]);
  const [gst, setGst] = useState(currency === 'INR');
  // The profile's GST state, so only the customer's needs typing.
  const [businessState, setBusinessState] = useState(business.value.state ?? '');
  const [customerState, setCustomerState] = useState('');
  const [taxName, setTaxName] = useState('VAT');
  const [validUntil, setValidUntil] = useState(inDays(15));
  const [terms, setTerms] = useState('');
  const [totals, setTotals] = useState<QuoteTotals | null>(null);
  const [problem, setProblem] = useState('');

  const tax: TaxScheme = gst
    ? { kind: 'gst', business_state: businessState, customer_state: customerState }
    : { kind: 'single', name: taxName };
  const lines = rows.map(toLine);
  const complete = lines.every((l) => l !== null) ? (lines as QuoteLine[]) : null;

  useEffect(() => {
    if (!complete) { setTotals(null); return; }
    let live = true;
    previewQuote(tax, complete).then((x) => { if (live) { setTotals(x); setProblem(''); } }, (e: Error) => { if (live) { setTotals(null); setProblem(e.message); } });
    return () => { live = false; };
  }, [JSON.stringify(tax), JSON.stringify(complete)]);

  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const pick = (i: number, id: string) => {
    const p = products.find((x) => x.id === id);
    if (p) setRow(i, { productId: p.id, description: p.name, unit: p.unit, price: String(p.unit_price_minor / 100), tax: String(p.tax_rate_bp / 100) });
  };

  return (
    <form class="quote-builder" data-testid="quote-builder" novalidate onSubmit={async (e) => {
      e.preventDefault();
      if (!complete) { setProblem(t('quotes.lineIncomplete')); return; }
      await onSave({ contact_id: contactId, deal_id: dealId, currency, tax, lines: complete, valid_until: validUntil, terms });
    }}>
      {rows.map((r, i) => (
        <fieldset class="quote-line" key={i} data-testid="quote-line">
          <legend>{t('quotes.line', { n: i + 1 })}</legend>
          {products.length ? (
            <label>{t('quotes.product')}
              <select data-testid="quote-line-product" value={r.productId ?? ''} onChange={(e) => pick(i, val(e))}>
                <option value="">{t('quotes.freeText')}</option>
                {products.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </label>
          ) : null}
          <label>{t('quotes.description')}<input type="text" maxLength={200} data-testid="quote-line-description" value={r.description} onInput={(e) => setRow(i, { description: val(e), productId: undefined })} /></label>
          <label>{t('quotes.quantity')}<input type="number" min="0" step="0.001" inputMode="decimal" data-testid="quote-line-quantity" value={r.quantity} onInput={(e) => setRow(i, { quantity: val(e) })} /></label>
          <label>{t('quotes.unitPrice')}<input type="number" min="0" step="0.01" inputMode="decimal" data-testid="quote-line-price" value={r.price} onInput={(e) => setRow(i, { price: val(e) })} /></label>
          <label>{t('quotes.discount')}<input type="number" min="0" max="100" step="0.01" inputMode="decimal" data-testid="quote-line-discount" value={r.discount} onInput={(e) => setRow(i, { discount: val(e) })} /></label>
          <label>{t('quotes.taxRate')}<input type="number" min="0" max="100" step="0.01" inputMode="decimal" data-testid="quote-line-tax" value={r.tax} onInput={(e) => setRow(i, { tax: val(e) })} /></label>
        </fieldset>
      ))}
      <button type="button" class="button button--small button--secondary" data-testid="quote-add-line" onClick={() => setRows([...rows, emptyRow()])}>{t('quotes.addLine')}</button>
      <label><input type="checkbox" data-testid="quote-gst" checked={gst} onChange={(e) => setGst((e.currentTarget as HTMLInputElement).checked)} /> {t('quotes.gst')}</label>
      {gst ? (
        <>
          <label>{t('quotes.businessState')}<input type="text" maxLength={2} data-testid="quote-business-state" value={businessState} onInput={(e) => setBusinessState(val(e).toUpperCase())} /></label>
          <label>{t('quotes.customerState')}<input type="text" maxLength={2} data-testid="quote-customer-state" value={customerState} onInput={(e) => setCustomerState(val(e).toUpperCase())} /></label>
        </>
      ) : (
        <label>{t('quotes.taxName')}<input type="text" maxLength={24} data-testid="quote-tax-name" value={taxName} onInput={(e) => setTaxName(val(e))} /></label>
      )}
      <label>{t('quotes.validUntil')}<input type="date" data-testid="quote-valid-until" value={validUntil} onInput={(e) => setValidUntil(val(e))} /></label>
      <label>{t('quotes.terms')}<textarea maxLength={2000} data-testid="quote-terms" value={terms} onInput={(e) => setTerms(val(e))} /></label>
      {totals ? (
        <dl class="quote-totals" data-testid="quote-preview">
          <dt>{t('quotes.taxable')}</dt><dd data-testid="quote-preview-taxable">{money(totals.taxable_minor, currency)}</dd>
          {totals.taxes.map((x) => (
            <><dt key={`${x.name}${x.rate_bp}`}>{`${x.name} ${x.rate_bp / 100}%`}</dt><dd data-testid="quote-preview-tax">{money(x.amount_minor, currency)}</dd></>
          ))}
          <dt>{t('quotes.total')}</dt><dd data-testid="quote-preview-total">{money(totals.total_minor, currency)}</dd>
        </dl>
      ) : null}
      {problem ? <p class="form-error" role="alert" data-testid="quote-problem">{problem}</p> : null}
      <div class="form-actions">
        <button type="submit" class="button button--small" data-testid="quote-save">{t('quotes.save')}</button>
        <button type="button" class="button button--small button--secondary" onClick={onCancel}>{t('quotes.cancel')}</button>
      </div>
    </form>
  );
}
