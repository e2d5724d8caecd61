// One weekday's openings: closed, or one or more open–close intervals (a
// close at or before the open is the next morning's).
import type { Interval } from '../api/hours';
import { t } from '../i18n';

/** The most openings the API takes in a day. */
const MAX_OPENINGS = 6;

export function DayHours({ idPrefix, day, openings, onChange }: {
  idPrefix: string;
  day: string;
  openings: Interval[];
  onChange: (openings: Interval[]) => void;
}) {
  const set = (i: number, part: Partial<Interval>) => onChange(openings.map((o, j) => (j === i ? { ...o, ...part } : o)));
  const add = () => {
    const last = openings[openings.length - 1];
    onChange([...openings, last ? { open: last.close === '24:00' ? '00:00' : last.close, close: '23:00' } : { open: '09:00', close: '18:00' }]);
  };
  return (
    <fieldset class="hours-day" data-testid="hours-day">
      <legend class="hours-day-name">{day}</legend>
      {openings.length === 0 ? <p class="muted hours-closed" data-testid="hours-closed">{t('hours.closed')}</p> : null}
      <ul class="hours-openings">
        {openings.map((o, i) => {
          const id = `${idPrefix}-${i}`;
          return (
            <li key={i} class="hours-opening" data-testid="hours-opening">
              <label for={`${id}-open`} class="visually-hidden">{t('hours.opensAt', { day, n: String(i + 1) })}</label>
              <input id={`${id}-open`} type="time" data-testid="hours-open" value={o.open}
                onInput={(e) => set(i, { open: (e.currentTarget as HTMLInputElement).value })} />
              <span aria-hidden="true">–</span>
              <label for={`${id}-close`} class="visually-hidden">{t('hours.closesAt', { day, n: String(i + 1) })}</label>
              {/* An input of type time cannot show 24:00; 00:00 closes at the same midnight. */}
              <input id={`${id}-close`} type="time" data-testid="hours-close" value={o.close === '24:00' ? '00:00' : o.close}
                onInput={(e) => set(i, { close: (e.currentTarget as HTMLInputElement).value })} />
              <button type="button" class="button button--secondary" data-testid="hours-remove"
                aria-label={t('hours.removeOpening', { day, n: String(i + 1) })}
                onClick={() => onChange(openings.filter((_, j) => j !== i))}>{t('hours.remove')}</button>
            </li>
          );
        })}
      </ul>
      {openings.length < MAX_OPENINGS ? (
        <button type="button" class="button button--secondary" data-testid="hours-add" aria-label={t('hours.addOpeningOn', { day })} onClick={add}>
          {t('hours.addOpening')}
        </button>
      ) : null}
    </fieldset>
  );
}
