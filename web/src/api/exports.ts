// Export jobs (managers, administrators) and the dead-letter queues (administrators).
import { get, post } from './client';

export type ExportWhat = 'contacts' | 'conversations' | 'deals';
export type ExportFormat = 'csv' | 'json';

export interface ExportJob {
  id: string;
  what: ExportWhat;
  format: ExportFormat;
  status: 'queued' | 'running' | 'done' | 'failed';
  rows: number | null;
  download_url: string | null;
}

export interface DeadLetterQueue {
  queue: string;
  approximate_depth: number;
}

/** Starts an export; the job runs in the background. */
export const start = (what: ExportWhat, format: ExportFormat) => post<ExportJob>('/api/exports', { json: { what, format } });
/** A job as it is now; `download_url` once it is done. */
export const job = (id: string) => get<ExportJob>('/api/exports/{id}', { params: { id } });
/** Each dead-letter queue's depth. */
export const deadLetters = () => get<{ items: DeadLetterQueue[] }>('/api/admin/dlq');
