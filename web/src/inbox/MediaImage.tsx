// A photo or sticker shown inline; a click (or Enter) opens the viewer.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { MediaViewer } from './MediaViewer';

export function MediaImage({ url, sticker }: { url: string; sticker: boolean }) {
  const [open, setOpen] = useState(false);
  const alt = sticker ? t('msg.sticker') : t('msg.photo');
  return (
    <>
      <button type="button" class={`media-thumb${sticker ? ' media-thumb--sticker' : ''}`} data-testid="media-image"
        aria-label={t('media.enlarge', { what: alt })} onClick={() => setOpen(true)}>
        <img src={url} alt={alt} loading="lazy" />
      </button>
      {open ? <MediaViewer url={url} alt={alt} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
