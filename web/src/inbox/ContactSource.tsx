// Where the contact came from, in the panel's details: its first-touch
// source and, for a click-to-WhatsApp ad, the ad (headline, link, ids).
import type { Contact } from '../api/contacts';
import { AdLink } from '../components/AdLink';
import { t } from '../i18n';
import { sourceLabel } from '../lib/leadSource';

export function ContactSource({ c }: { c: Contact }) {
  const ad = c.ad;
  return (
    <>
      <dt>{t('panel.source')}</dt>
      <dd data-testid="panel-source" data-source={c.source ?? ''}>{sourceLabel(c.source)}</dd>
      {ad ? (
        <>
          <dt>{t('panel.ad')}</dt>
          <dd data-testid="panel-ad" data-ad-id={ad.ad_id}>
            <AdLink ad={ad} />
            <span class="muted"> · {t('panel.adId', { id: ad.ad_id })}</span>
            {ad.ctwa_clid ? <span class="muted small" data-testid="panel-ad-click"> · {t('panel.adClick', { id: ad.ctwa_clid })}</span> : null}
          </dd>
        </>
      ) : null}
    </>
  );
}
