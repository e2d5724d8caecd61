// A select of IANA time zones: the browser's list where it has one, with
// the zones Parley's customers use most as a fallback, and always the
// current value (a browser may list an old alias such as Asia/Calcutta).
import { t } from '../i18n';

const FALLBACK = [
  'Asia/Kolkata', 'Asia/Dubai', 'Asia/Singapore', 'Asia/Jakarta', 'Asia/Karachi', 'Asia/Dhaka', 'Asia/Riyadh',
  'Africa/Lagos', 'Africa/Nairobi', 'Africa/Johannesburg', 'Europe/London', 'Europe/Berlin', 'America/Sao_Paulo',
  'America/Mexico_City', 'America/New_York', 'America/Los_Angeles', 'UTC',
];

const supported = (): string[] => {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
};

let zones: string[] | null = null;

export function TimeZoneSelect({ id, value, onChange }: { id: string; value: string; onChange: (zone: string) => void }) {
  zones ??= [...new Set([...supported(), ...FALLBACK])].sort();
  const list = zones.includes(value) ? zones : [value, ...zones];
  return (
    <div class="field">
      <label for={id}>{t('hours.timeZone')}</label>
      <select id={id} data-testid="hours-zone" value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {list.map((z) => <option key={z} value={z}>{z}</option>)}
      </select>
    </div>
  );
}
