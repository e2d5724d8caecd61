// Where a message came from under coexistence with the WhatsApp Business
// app: typed on the business phone, or chat history from before Parley.
import { Icon } from '../components/Icon';
import { t } from '../i18n';

export function OriginMark({ origin }: { origin: unknown }) {
  if (origin !== 'phone_app' && origin !== 'history') return null;
  const phone = origin === 'phone_app';
  return (
    <div class="referral origin-mark" data-testid="origin-mark" data-origin={origin} title={phone ? t('msg.fromPhoneAppTitle') : t('msg.chatHistoryTitle')}>
      <span class={`tag tag--origin tag--${phone ? 'phone' : 'history'}`}>
        <Icon name={phone ? 'phone' : 'clock'} class="icon icon--tiny" />
        {phone ? t('msg.fromPhoneApp') : t('msg.chatHistory')}
      </span>
    </div>
  );
}
