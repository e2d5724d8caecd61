// The template catalog.
import { get, post, type Page } from './client';
import type { components } from './schema';

export type Template = components['schemas']['Template'];

export const templatesPage = (cursor: string | null) => get<Page<Template>>('/api/templates', { query: { cursor } });
export const syncTemplates = () => post<components['schemas']['TemplatesSynced']>('/api/templates/sync');
