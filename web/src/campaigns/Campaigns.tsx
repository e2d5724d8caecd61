// Campaigns (managers and admins): the list, a new campaign, or one
// campaign followed live, by the URL (#/campaigns, #/campaigns/new,
// #/campaigns/<id>). Loaded when first opened (its own chunk).
import { t } from '../i18n';
import { isManager } from '../lib/session';
import { CampaignComposer } from './CampaignComposer';
import { CampaignDetail } from './CampaignDetail';
import { CampaignList } from './CampaignList';

export function Campaigns({ campaign }: { campaign: string | null }) {
  if (!isManager()) {
    return (
      <section class="page" data-testid="campaigns" aria-labelledby="campaigns-heading">
        <h1 id="campaigns-heading" class="pane-title">{t('campaigns.title')}</h1>
        <p class="muted" data-testid="campaigns-forbidden">{t('campaigns.forbidden')}</p>
      </section>
    );
  }
  if (campaign === 'new') return <CampaignComposer />;
  if (campaign) return <CampaignDetail key={campaign} id={campaign} />;
  return <CampaignList />;
}
