// Reports for managers and administrators, and the audit log.
import { get, type Page } from './client';

export interface ResponseStats {
  answered: number;
  median_seconds: number | null;
  p90_seconds: number | null;
}
export interface FirstResponse {
  from: string;
  to: string;
  by_agent: (ResponseStats & { agent: string })[];
  by_day: (ResponseStats & { day: string })[];
}
export interface MessagesPerDay {
  from: string;
  to: string;
  items: { day: string; inbound: number; outbound: number }[];
}
export interface Funnel {
  pipeline: string;
  stages: { stage: string; current: number; reached: number; conversion_percent: number | null }[];
  won_value_minor: number;
}
export interface Workload {
  unassigned: number;
  overdue: number;
  tasks_due_today: number;
  tasks_overdue: number;
}
export interface Spend {
  month: string;
  items: { month: string; category: string; billable: number; free: number }[];
}
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  contact_id: string | null;
  detail: unknown;
}
export type Range = { from: string; to: string };

export const firstResponse = (r: Range) => get<FirstResponse>('/api/reports/first_response', { query: r });
export const messagesPerDay = (r: Range) => get<MessagesPerDay>('/api/reports/messages', { query: r });
export const funnel = (pipeline: string) => get<Funnel>('/api/reports/funnel', { query: { pipeline } });
export const workload = () => get<Workload>('/api/reports/workload');
export const spend = (month: string) => get<Spend>('/api/reports/spend', { query: { month } });
export const audit = (q: { contact?: string; day?: string; cursor?: string | null }) => get<Page<AuditEntry>>('/api/audit', { query: q });
