// Campaigns (managers and admins): one approved template to a segment of
// contacts. The segment is counted and priced a few pages at a time (the
// caller adds the answers up until `next_cursor` is null), the campaign is
// created with the estimate the admin confirmed, then followed, paused,
// resumed or cancelled.
import { get, post, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Campaign = Schemas['Campaign'];
export type CampaignCreate = Schemas['CampaignCreate'];
export type CampaignEstimate = Schemas['CampaignEstimate'];
export type CampaignStatus = Schemas['CampaignStatus'];
export type CampaignTotals = Schemas['CampaignTotals'];
export type CampaignPreview = Schemas['CampaignPreview'];
export type CampaignPreviewRequest = Schemas['CampaignPreviewRequest'];
export type CampaignRecipient = Schemas['CampaignRecipient'];
export type MissingField = Schemas['CampaignMissingField'];
export type MarketCost = Schemas['MarketCost'];
export type Audience = Schemas['Audience'];
export type ParamSource = Schemas['ParamSource'];
export type RecipientState = Schemas['RecipientState'];

/** Still moving: its figures change (a finished one still hears statuses for a while). */
export const isLive = (c: Pick<Campaign, 'status'>) => c.status === 'scheduled' || c.status === 'sending' || c.status === 'paused';

/** One step of a segment's count and price, from `cursor` (none at first). */
export const preview = (body: CampaignPreviewRequest) => post<CampaignPreview>('/api/campaigns/preview', { json: body });
/** Creates the campaign (now, or at `send_at`) with the confirmed estimate. */
export const createCampaign = (body: CampaignCreate) => post<Campaign>('/api/campaigns', { json: body });
/** The latest campaigns, newest first (without totals). */
export const campaigns = () => get<Page<Campaign>>('/api/campaigns');
/** One campaign with its totals. */
export const campaign = (id: string) => get<Campaign>('/api/campaigns/{id}', { params: { id } });
/** A page of its recipients and where each stands. */
export const recipients = (id: string, cursor: string | null, limit = 50) =>
  get<Page<CampaignRecipient>>('/api/campaigns/{id}/recipients', { params: { id }, query: { cursor, limit } });
/** Pauses a scheduled or sending campaign (409 `illegal_transition` otherwise). */
export const pause = (id: string) => post<Campaign>('/api/campaigns/{id}/pause', { params: { id } });
/** Resumes a paused campaign where it stopped. */
export const resume = (id: string) => post<Campaign>('/api/campaigns/{id}/resume', { params: { id } });
/** Cancels it for good: recipients not yet reached get nothing. */
export const cancel = (id: string) => post<Campaign>('/api/campaigns/{id}/cancel', { params: { id } });
