// A customer's file on a message, from the business's own bucket: photos
// and stickers inline (with a viewer), voice notes and audio play in place,
// video plays, documents download under their name. Until the copy is in,
// "Fetching…"; if it failed, why.
import type { Message } from '../api/messages';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { MediaImage } from './MediaImage';

type Media = NonNullable<Message['media']>;

const REASONS: Record<string, Key> = {
  'expired at Meta': 'media.reason.expired',
  'too large': 'media.reason.tooLarge',
  'checksum mismatch': 'media.reason.checksum',
  'size mismatch': 'media.reason.size',
  'could not be fetched': 'media.reason.unavailable',
};

export function MediaAttachment({ media, type }: { media: Media; type: string }) {
  if (media.status === 'pending') {
    return <div class="media-note" data-testid="media-pending" role="status"><Icon name="clock" /><span>{t('media.fetching')}</span></div>;
  }
  if (media.status === 'failed' || !media.url) {
    const key = media.reason ? REASONS[media.reason] : undefined;
    const reason = key ? t(key) : (media.reason ?? t('media.reason.unavailable'));
    return (
      <div class="media-note media-note--failed" data-testid="media-failed">
        <Icon name="warning" /><span>{t('media.failed', { reason })}</span>
      </div>
    );
  }
  const url = media.url;
  switch (type) {
    case 'image':
      return <MediaImage url={url} sticker={false} />;
    case 'sticker':
      return <MediaImage url={url} sticker={true} />;
    case 'audio':
      return <audio class="media-audio" controls preload="metadata" src={url} data-testid="media-audio" aria-label={t('msg.voice')} />;
    case 'video':
      return <video class="media-video" controls preload="metadata" src={url} data-testid="media-video" aria-label={t('msg.video')} />;
    default: {
      const name = media.filename ?? t('msg.document');
      return (
        <a class="media-document" href={url} download={name} data-testid="media-document">
          <Icon name="document" /><span class="media-document-name">{name}</span>
          <span class="media-document-action">{t('media.download')}</span>
        </a>
      );
    }
  }
}
