// A campaign's recipients, a page at a time when asked for: where each
// stands, why it was left out or failed, whether they replied or opted
// out after. Each links to the contact's conversation.
import { useState } from 'preact/hooks';
import * as campaignsApi from '../api/campaigns';
import type { CampaignRecipient } from '../api/campaigns';
import { items, nextCursor } from '../api/client';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { useError } from '../lib/useError';
import { exclusionLabel } from './AudienceCount';

function detail(r: CampaignRecipient): string {
  if (r.excluded) return exclusionLabel(r.excluded);
  if (r.error_code !== null) return t('campaigns.rcp.code', { code: r.error_code });
  return '';
}

export function RecipientList({ id }: { id: string }) {
  const [list, setList] = useState<CampaignRecipient[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError, fail] = useError();
  const load = async (from: string | null) => {
    setLoading(true);
    try {
      const page = await campaignsApi.recipients(id, from);
      setList([...(from ? list ?? [] : []), ...items(page)]);
      setCursor(nextCursor(page));
      setError('');
    } catch (e) {
      fail(e);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section class="campaign-recipients" aria-labelledby="campaign-recipients-heading" data-testid="campaign-recipients">
      <div class="page-head">
        <h2 id="campaign-recipients-heading" class="side-heading">{t('campaigns.rcp.heading')}</h2>
        <button type="button" class="button button--secondary button--small" data-testid="campaign-recipients-load" disabled={loading} onClick={() => load(null)}>
          {list === null ? t('campaigns.rcp.show') : t('campaigns.rcp.refresh')}
        </button>
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list && list.length === 0 ? <p class="muted">{t('campaigns.rcp.none')}</p> : null}
      {list && list.length ? (
        <table class="table campaign-table">
          <thead>
            <tr>
              <th scope="col">{t('campaigns.rcp.contact')}</th><th scope="col">{t('campaigns.rcp.state')}</th>
              <th scope="col">{t('campaigns.rcp.detail')}</th><th scope="col">{t('campaigns.rcp.replied')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => {
              const replied = parseTime(r.replied_at);
              return (
                <tr key={r.contact_id} data-testid="campaign-recipient" data-contact-id={r.contact_id} data-state={r.state}>
                  <td><a href={href({ name: 'inbox', contact: r.contact_id })}>{r.name ?? t('campaigns.rcp.open', { id: r.contact_id.slice(-6) })}</a></td>
                  <td>{t(`campaigns.state.${r.state}` as Key)}</td>
                  <td>{detail(r)}{r.opted_out_after ? ` ${t('campaigns.rcp.optedOutAfter')}` : ''}</td>
                  <td>{replied === null ? '—' : fmtFull(replied)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button type="button" class="button button--secondary" data-testid="campaign-recipients-more" disabled={loading} onClick={() => load(cursor)}>
          {t('campaigns.rcp.more')}
        </button>
      ) : null}
    </section>
  );
}
