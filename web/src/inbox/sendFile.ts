// Sending a file from the composer: ask for an upload link (the API checks
// WhatsApp's type and size limits first), PUT the bytes to the bucket, then
// send the message with the object's key, under one Idempotency-Key so a
// retried send is queued once.
import { ApiError } from '../api/client';
import * as messagesApi from '../api/messages';
import { prepareUpload, putFile } from '../api/uploads';
import { t } from '../i18n';

export interface Attached {
  file: File;
  caption: string;
}

/** A fresh Idempotency-Key. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Uploads and sends; the message id. Throws with a sentence staff can act on. */
export async function sendFile(contactId: string, attached: Attached): Promise<string> {
  const { file } = attached;
  const mime = file.type || 'application/octet-stream';
  try {
    const upload = await prepareUpload(contactId, { mime_type: mime, size: file.size, filename: file.name });
    await putFile(upload, file);
    const caption = upload.kind === 'audio' ? null : attached.caption.trim() || null;
    const body: messagesApi.SendBody = {
      type: 'media',
      media: { key: upload.key, mime_type: upload.mime_type, caption, filename: file.name },
    };
    const queued = await messagesApi.send(contactId, body, newKey());
    return queued.id;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'window_closed') throw new Error(t('attach.windowClosed'), { cause: e });
    if (e instanceof ApiError) throw new Error(t('send.failed', { message: e.message }), { cause: e });
    throw new Error(t('send.unreachable'), { cause: e });
  }
}
