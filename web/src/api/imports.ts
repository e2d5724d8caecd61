// Contact imports from a CSV file (managers and admins): a job with a
// presigned upload link, the file PUT straight to the bucket, a preview of
// its first rows with suggested columns, a start with the column mapping,
// then the job's counts and the report of the rows it refused.
import { ApiError, errorFrom, get, post, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type ImportStatus = Schemas['ImportStatus'];
export type ImportCreate = Schemas['ImportCreate'];
export type ImportJob = Schemas['ImportJob'];
export type ImportPreview = Schemas['ImportPreview'];
export type ImportStart = Schemas['ImportStart'];

/** The largest file the API takes. */
export const MAX_BYTES = 20 * 1024 * 1024;

/** Still working: poll it. */
export const isActive = (job: Pick<ImportJob, 'status'>) => job.status === 'queued' || job.status === 'running';

/** A new job for `file`, with the link to PUT it to. */
export const createImport = (body: ImportCreate) => post<ImportJob>('/api/imports', { json: body });
/** Recent imports, newest first. */
export const imports = () => get<Page<ImportJob>>('/api/imports');
/** A job as it is now. */
export const importJob = (id: string) => get<ImportJob>('/api/imports/{id}', { params: { id } });
/** The file's first rows, its columns and what each looks like (409 `not_uploaded` before the PUT lands). */
export const preview = (id: string) => get<ImportPreview>('/api/imports/{id}/preview', { params: { id } });
/** Starts the import with one target per column ('' ignores it). */
export const startImport = (id: string, body: ImportStart) => post<ImportJob>('/api/imports/{id}/start', { params: { id }, json: body });

/** PUTs the CSV to the job's presigned link (signed for text/csv). */
export async function putCsv(uploadUrl: string, file: Blob): Promise<void> {
  const res = await fetch(uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: file });
  if (!res.ok) throw res.status >= 500 ? new ApiError(res.status, 'upload_failed', `HTTP ${res.status}`) : await errorFrom(res);
}
