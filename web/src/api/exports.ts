// Export jobs (managers, administrators) and the dead-letter queues (administrators).
import { get, post, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type ExportJob = Schemas['ExportJob'];
export type ExportWhat = ExportJob['what'];
export type ExportFormat = ExportJob['format'];
export type DeadLetterQueue = Schemas['DeadLetterQueue'];

/** Starts an export; the job runs in the background. */
export const start = (what: ExportWhat, format: ExportFormat) => post<ExportJob>('/api/exports', { json: { what, format } });
/** A job as it is now; `download_url` once it is done. */
export const job = (id: string) => get<ExportJob>('/api/exports/{id}', { params: { id } });
/** Each dead-letter queue's depth. */
export const deadLetters = () => get<Page<DeadLetterQueue>>('/api/admin/dlq');
