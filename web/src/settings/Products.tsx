// The product catalog the quote builder picks lines from (managers and admins).
// The add form sits above the list: a list that lands later pushes nothing
// under a pointer on its way to the Add button.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { money } from '../lib/format';
import { createProduct, deleteProduct, products as loadProducts, type Product } from '../api/quotes';

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

export function Products() {
  const [items, setItems] = useState<Product[]>([]);
  const [name, setName] = useState('');
  const [sku, setSku] = useState('');
  const [price, setPrice] = useState('');
  const [tax, setTax] = useState('18');
  const [unit, setUnit] = useState('pc');
  const [error, setError] = useState('');

  const reload = async () => setItems((await loadProducts()).items ?? []);
  useEffect(() => { reload().catch((e: Error) => setError(e.message)); }, []);

  const work = async (job: () => Promise<unknown>) => {
    setError('');
    try {
      await job();
      await reload();
    } catch (e) {
      setError(t('products.failed', { message: (e as Error).message }));
    }
  };

  return (
    <section class="settings-section" aria-labelledby="products-heading" data-testid="settings-products">
      <h2 id="products-heading" class="side-heading">{t('products.title')}</h2>
      <form class="field-form product-form" novalidate onSubmit={async (e) => {
        e.preventDefault();
        await work(async () => {
          await createProduct({ name, sku, unit, unit_price_minor: Math.round(Number(price) * 100), tax_rate_bp: Math.round(Number(tax) * 100) });
          setName(''); setSku(''); setPrice('');
        });
      }}>
        <label>{t('products.name')}<input type="text" maxLength={120} data-testid="product-name" value={name} onInput={(e) => setName(val(e))} /></label>
        <label>{t('products.sku')}<input type="text" maxLength={40} data-testid="product-sku" value={sku} onInput={(e) => setSku(val(e))} /></label>
        <label>{t('products.price')}<input type="number" min="0" step="0.01" inputMode="decimal" data-testid="product-price" value={price} onInput={(e) => setPrice(val(e))} /></label>
        <label>{t('products.tax')}<input type="number" min="0" max="100" step="0.01" inputMode="decimal" data-testid="product-tax" value={tax} onInput={(e) => setTax(val(e))} /></label>
        <label>{t('products.unit')}<input type="text" maxLength={16} data-testid="product-unit" value={unit} onInput={(e) => setUnit(val(e))} /></label>
        <button type="submit" class="button button--primary" data-testid="product-add">{t('products.add')}</button>
      </form>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <ul class="deal-list" data-testid="products">
        {items.map((p) => (
          <li class="deal" key={p.id} data-testid="product">
            <span class="deal-title">{p.name}{p.sku ? ` · ${p.sku}` : ''}</span>
            <span class="deal-value">{money(p.unit_price_minor, null)} / {p.unit} · {p.tax_rate_bp / 100}%</span>
            <button type="button" class="button button--small button--secondary" onClick={() => work(() => deleteProduct(p.id))}>{t('products.delete')}</button>
          </li>
        ))}
        {!items.length ? <li class="side-empty">{t('products.none')}</li> : null}
      </ul>
    </section>
  );
}
