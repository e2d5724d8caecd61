// The business profile's two switches for what customers see while staff
// handle their conversation: blue ticks when it is opened, and "typing…"
// while an answer is written. Meta's typing indicator marks the message
// read as well, so it cannot be on while read receipts are off.
import { t } from '../i18n';

export interface ChatSignals {
  read_receipts: boolean;
  typing_indicator: boolean;
}

export function ChatSignalSwitches({ value, onChange }: { value: ChatSignals; onChange: (next: ChatSignals) => void }) {
  return (
    <fieldset class="field chat-signals" data-testid="chat-signals">
      <legend>{t('business.chatSignals')}</legend>
      <label class="check">
        <input type="checkbox" data-testid="business-read_receipts" checked={value.read_receipts}
          onChange={(e) => {
            const on = (e.currentTarget as HTMLInputElement).checked;
            onChange({ read_receipts: on, typing_indicator: on && value.typing_indicator });
          }} />
        {t('business.readReceipts')}
      </label>
      <label class="check">
        <input type="checkbox" data-testid="business-typing_indicator" checked={value.read_receipts && value.typing_indicator}
          disabled={!value.read_receipts} aria-describedby="business-typing-hint"
          onChange={(e) => onChange({ ...value, typing_indicator: (e.currentTarget as HTMLInputElement).checked })} />
        {t('business.typingIndicator')}
      </label>
      <p id="business-typing-hint" class="muted">{t('business.typingHint')}</p>
    </fieldset>
  );
}
