// A click-to-WhatsApp ad by its headline (its id when it has none), linked
// to where the ad can be seen when Meta named the place.
import type { AdReferral } from '../api/reports';

export function AdLink({ ad }: { ad: AdReferral }) {
  const label = ad.headline || ad.ad_id;
  return ad.source_url ? <a href={ad.source_url} target="_blank" rel="noopener noreferrer">{label}</a> : <>{label}</>;
}
