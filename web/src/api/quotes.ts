// Products, quotes and invoices.
import { del, get, post, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Product = Schemas['Product'];
export type ProductInput = Schemas['ProductInput'];
export type Quote = Schemas['Quote'];
export type QuoteInput = Schemas['QuoteInput'];
export type QuoteLine = Schemas['QuoteLine'];
export type QuoteTotals = Schemas['QuoteTotals'];
export type QuotePdf = Schemas['QuotePdf'];
export type TaxScheme = Schemas['TaxScheme'];
export type QuoteAction = 'send' | 'accept' | 'decline' | 'invoice' | 'paid';

export const products = () => get<Page<Product>>('/api/products');
export const createProduct = (body: ProductInput) => post<Product>('/api/products', { json: body });
export const deleteProduct = (id: string) => del<null>('/api/products/{id}', { params: { id } });
export const quotesFor = (id: string) => get<Page<Quote>>('/api/contacts/{id}/quotes', { params: { id } });
export const quotesForDeal = (id: string) => get<Page<Quote>>('/api/deals/{id}/quotes', { params: { id } });
export const createQuote = (body: QuoteInput) => post<Quote>('/api/quotes', { json: body });
export const previewQuote = (tax: TaxScheme, lines: QuoteLine[]) =>
  post<QuoteTotals>('/api/quotes/preview', { json: { tax, lines } });

const ACTION_PATHS = {
  send: '/api/quotes/{id}/send',
  accept: '/api/quotes/{id}/accept',
  decline: '/api/quotes/{id}/decline',
  invoice: '/api/quotes/{id}/invoice',
  paid: '/api/quotes/{id}/paid',
} as const;

export const actOnQuote = (id: string, action: QuoteAction) => post<Quote>(ACTION_PATHS[action], { params: { id } });
/// A short-lived download link to the quote's PDF as it stands.
export const quotePdf = (id: string) => get<QuotePdf>('/api/quotes/{id}/pdf', { params: { id } });

/// The actions a quote in `state` offers (the server refuses the rest).
export function actionsFor(state: Quote['state']): QuoteAction[] {
  switch (state) {
    case 'draft': return ['send'];
    case 'sent': return ['accept', 'decline'];
    case 'accepted': return ['invoice'];
    case 'invoiced': return ['paid'];
    default: return [];
  }
}
