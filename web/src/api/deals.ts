// Pipelines, the board and deals.
import { get, post, put, patch, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type StageKind = Schemas['StageKind'];
export type Stage = Schemas['Stage'];
export type Pipeline = Schemas['Pipeline'];
export type StageChange = Schemas['StageChange'];
export type Deal = Schemas['Deal'];
export type Column = Schemas['BoardColumn'];
export type Board = Schemas['Board'];
export type NewDeal = Schemas['NewDeal'];
export type DealPatch = Schemas['DealPatch'];

export const pipelines = () => get<Page<Pipeline>>('/api/pipelines');
export const putPipeline = (p: Pipeline) => put<Pipeline>('/api/pipelines/{id}', { params: { id: p.id }, json: { name: p.name, stages: p.stages, quote_stage: p.quote_stage ?? null } });
export const board = (id: string) => get<Board>('/api/pipelines/{id}/board', { params: { id } });
export const deal = (id: string) => get<Deal>('/api/deals/{id}', { params: { id } });
export const dealsFor = (id: string) => get<Page<Deal>>('/api/contacts/{id}/deals', { params: { id } });
export const createDeal = (body: NewDeal) => post<Deal>('/api/deals', { json: body });
export const moveDeal = (id: string, stage: string) => post<Deal>('/api/deals/{id}/stage', { params: { id }, json: { stage } });
export const updateDeal = (id: string, body: DealPatch) =>
  patch<Deal>('/api/deals/{id}', { params: { id }, json: body });
