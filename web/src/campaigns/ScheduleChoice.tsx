// When the campaign starts: now (the default) or at a time, in the
// browser's time.
import { t } from '../i18n';
import { localInput } from './model';

export type When = { mode: 'now' } | { mode: 'later'; at: string };

export function ScheduleChoice({ when, onChange, invalid }: { when: When; onChange: (w: When) => void; invalid: boolean }) {
  return (
    <fieldset class="campaign-when" data-testid="campaign-when">
      <legend class="side-heading">{t('campaigns.when')}</legend>
      <label class="check">
        <input type="radio" name="campaign-when" value="now" data-testid="campaign-when-now" checked={when.mode === 'now'}
          onChange={() => onChange({ mode: 'now' })} />
        <span>{t('campaigns.whenNow')}</span>
      </label>
      <label class="check">
        <input type="radio" name="campaign-when" value="later" data-testid="campaign-when-later" checked={when.mode === 'later'}
          onChange={() => onChange({ mode: 'later', at: when.mode === 'later' ? when.at : localInput(3_600_000) })} />
        <span>{t('campaigns.whenLater')}</span>
      </label>
      {when.mode === 'later' ? (
        <div class="field">
          <label for="campaign-at">{t('campaigns.whenAt')}</label>
          <input id="campaign-at" type="datetime-local" data-testid="campaign-at" value={when.at} min={localInput(0)} required
            aria-invalid={invalid ? 'true' : undefined} aria-describedby="campaign-at-hint"
            onInput={(e) => onChange({ mode: 'later', at: (e.currentTarget as HTMLInputElement).value })} />
          <p id="campaign-at-hint" class={invalid ? 'form-error' : 'field-hint'}>{invalid ? t('campaigns.whenPast') : t('campaigns.whenHint')}</p>
        </div>
      ) : null}
    </fieldset>
  );
}
