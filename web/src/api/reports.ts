// Reports for managers and administrators, and the audit log.
import { get, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type FirstResponse = Schemas['FirstResponse'];
export type MessagesPerDay = Schemas['MessageCounts'];
export type Funnel = Schemas['Funnel'];
export type Workload = Schemas['Workload'];
export type Spend = Schemas['Spend'];
export type Money = Schemas['Money'];
export type AuditEntry = Schemas['AuditEntry'];
export type SourceReport = Schemas['SourceReport'];
export type AdReferral = Schemas['AdReferral'];
export type Range = { from: string; to: string };

export const firstResponse = (r: Range) => get<FirstResponse>('/api/reports/first_response', { query: r });
export const messagesPerDay = (r: Range) => get<MessagesPerDay>('/api/reports/messages', { query: r });
export const funnel = (pipeline: string) => get<Funnel>('/api/reports/funnel', { query: { pipeline } });
export const sources = (r: Range) => get<SourceReport>('/api/reports/sources', { query: r });
export const workload = () => get<Workload>('/api/reports/workload');
export const spend = (month: string) => get<Spend>('/api/reports/spend', { query: { month } });
export const audit = (q: { contact?: string; day?: string; cursor?: string | null }) => get<Page<AuditEntry>>('/api/audit', { query: q });
