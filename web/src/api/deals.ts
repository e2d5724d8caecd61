// Pipelines, the board and deals.
import { get, post, put, patch, type Page } from './client';

export type StageKind = 'open' | 'won' | 'lost';
export interface Stage {
  id: string;
  name: string;
  kind: StageKind;
}
export interface Pipeline {
  id: string;
  name: string;
  stages: Stage[];
}
export interface StageChange {
  from: string | null;
  to: string;
  by: string;
  at: string;
}
export interface Deal {
  id: string;
  contact_id: string | null;
  pipeline: string;
  stage: string;
  title: string;
  value_minor: number;
  currency: string;
  owner: string | null;
  expected_close: string | null;
  custom_fields: Record<string, string>;
  history: StageChange[];
  created_at: string;
  updated_at: string;
}
export interface Column extends Page<Deal> {
  stage: Stage;
  value_minor: number;
}
export interface Board {
  pipeline: string;
  name: string;
  columns: Column[];
}
export interface NewDeal {
  contact_id: string;
  title: string;
  value_minor: number;
  pipeline?: string;
}

export const pipelines = () => get<Page<Pipeline>>('/api/pipelines');
export const putPipeline = (p: Pipeline) => put<Pipeline>('/api/pipelines/{id}', { params: { id: p.id }, json: { name: p.name, stages: p.stages } });
export const board = (id: string) => get<Board>('/api/pipelines/{id}/board', { params: { id } });
export const deal = (id: string) => get<Deal>('/api/deals/{id}', { params: { id } });
export const dealsFor = (id: string) => get<Page<Deal>>('/api/contacts/{id}/deals', { params: { id } });
export const createDeal = (body: NewDeal) => post<Deal>('/api/deals', { json: body });
export const moveDeal = (id: string, stage: string) => post<Deal>('/api/deals/{id}/stage', { params: { id }, json: { stage } });
export const updateDeal = (id: string, body: Partial<Pick<Deal, 'title' | 'value_minor' | 'owner' | 'expected_close'>>) =>
  patch<Deal>('/api/deals/{id}', { params: { id }, json: body });
