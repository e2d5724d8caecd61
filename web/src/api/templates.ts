// The template catalog.
import { get, post, type Page } from './client';
import type { components } from './schema';

export type Template = components['schemas']['Template'];

/** A page of every account's templates, or with `number` only those a message from that business number may use. */
export const templatesPage = (cursor: string | null, number?: string | null) =>
  get<Page<Template>>('/api/templates', { query: { cursor, number: number ?? undefined } });
export const syncTemplates = () => post<components['schemas']['TemplatesSynced']>('/api/templates/sync');
