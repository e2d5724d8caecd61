// The template catalog.
import { get, post, type Page } from './client';

export interface Template {
  name: string;
  language: string;
  status: string;
  category: string;
  body_params?: number;
  body?: string;
}

export const templatesPage = (cursor: string | null) => get<Page<Template>>('/api/templates', { query: { cursor } });
export const syncTemplates = () => post<{ synced?: number }>('/api/templates/sync');
