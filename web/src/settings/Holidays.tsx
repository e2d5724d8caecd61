// A number's holidays: whole local days it stays closed, each with an
// optional name staff recognise.
import type { Holiday } from '../api/hours';
import { t } from '../i18n';

export function Holidays({ idPrefix, holidays, onChange }: { idPrefix: string; holidays: Holiday[]; onChange: (holidays: Holiday[]) => void }) {
  const set = (i: number, part: Partial<Holiday>) => onChange(holidays.map((h, j) => (j === i ? { ...h, ...part } : h)));
  return (
    <fieldset class="hours-holidays" data-testid="hours-holidays">
      <legend>{t('hours.holidays')}</legend>
      {holidays.length === 0 ? <p class="muted">{t('hours.noHolidays')}</p> : null}
      <ul class="hours-holiday-list">
        {holidays.map((h, i) => {
          const id = `${idPrefix}-${i}`;
          return (
            <li key={i} class="hours-holiday" data-testid="hours-holiday">
              <label for={`${id}-date`} class="visually-hidden">{t('hours.holidayDate', { n: String(i + 1) })}</label>
              <input id={`${id}-date`} type="date" data-testid="hours-holiday-date" value={h.date}
                onInput={(e) => set(i, { date: (e.currentTarget as HTMLInputElement).value })} />
              <label for={`${id}-name`} class="visually-hidden">{t('hours.holidayName', { n: String(i + 1) })}</label>
              <input id={`${id}-name`} type="text" data-testid="hours-holiday-name" placeholder={t('hours.holidayNamePlaceholder')} value={h.name ?? ''}
                onInput={(e) => set(i, { name: (e.currentTarget as HTMLInputElement).value })} />
              <button type="button" class="button button--secondary" data-testid="hours-holiday-remove"
                aria-label={t('hours.removeHoliday', { n: String(i + 1) })}
                onClick={() => onChange(holidays.filter((_, j) => j !== i))}>{t('hours.remove')}</button>
            </li>
          );
        })}
      </ul>
      <button type="button" class="button button--secondary" data-testid="hours-holiday-add" onClick={() => onChange([...holidays, { date: '', name: '' }])}>
        {t('hours.addHoliday')}
      </button>
    </fieldset>
  );
}
