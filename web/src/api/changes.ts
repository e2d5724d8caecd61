// The live feed: what changed since the last answer's cursor.
import { get } from './client';
import type { components } from './schema';

/** Only what the cursor had not shown yet; pass `cursor` back as `since`. */
export type Changes = components['schemas']['Changes'];

export const changes = (since: string | null, contact: string | null) =>
  get<Changes>('/api/changes', { query: { since, contact } });
