// A customer's photo or sticker, enlarged in a modal dialog (Escape or the
// close button returns to the conversation).
import { Modal } from '../components/Modal';
import { t } from '../i18n';

export function MediaViewer({ url, alt, onClose }: { url: string; alt: string; onClose: () => void }) {
  return (
    <Modal title={t('media.viewerTitle')} onClose={onClose} testId="media-viewer">
      <img class="media-viewer-image" src={url} alt={alt} data-testid="media-viewer-image" />
    </Modal>
  );
}
