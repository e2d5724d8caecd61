// The event types a webhook receives, as a group of labelled checkboxes.
import { EVENT_TYPES, type EventType } from '../api/webhooks';
import { t } from '../i18n';

export function WebhookKinds({ idPrefix, value, onChange }: { idPrefix: string; value: EventType[]; onChange: (next: EventType[]) => void }) {
  return (
    <fieldset class="webhook-kinds" data-testid="webhook-kinds">
      <legend>{t('webhooks.kinds')}</legend>
      {EVENT_TYPES.map((kind) => {
        const id = `${idPrefix}-${kind}`;
        const checked = value.includes(kind);
        return (
          <label key={kind} for={id} class="webhook-kind">
            <input id={id} type="checkbox" value={kind} checked={checked} onChange={() =>
              onChange(checked ? value.filter((k) => k !== kind) : EVENT_TYPES.filter((k) => k === kind || value.includes(k)))} />
            <code>{kind}</code>
          </label>
        );
      })}
    </fieldset>
  );
}
