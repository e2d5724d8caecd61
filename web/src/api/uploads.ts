// Files staff attach: a presigned PUT from the API, then the bytes straight
// to the media bucket (the browser talks to S3 directly: no API in between).
import { ApiError, errorFrom, post } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Upload = Schemas['Upload'];

export const prepareUpload = (id: string, body: Schemas['UploadRequest']) =>
  post<Upload>('/api/contacts/{id}/uploads', { params: { id }, json: body });

/** PUTs `file` to the presigned link, with the type the link was signed for. */
export async function putFile(upload: Upload, file: Blob): Promise<void> {
  const res = await fetch(upload.url, { method: 'PUT', headers: { 'content-type': upload.mime_type }, body: file });
  if (!res.ok) throw res.status >= 500 ? new ApiError(res.status, 'upload_failed', `HTTP ${res.status}`) : await errorFrom(res);
}
