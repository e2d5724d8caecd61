// What one column of an imported CSV is: ignored, one of the contact's own
// fields, or a custom field whose key the user types (fields.<key>). Shows
// the column's first value so the choice is easy to check.
import { t } from '../i18n';
import type { Key } from '../i18n/en';

/** The targets the API knows, in the order the select offers them. */
export const TARGETS = ['name', 'phone', 'tags', 'owner', 'stage', 'value', 'consent'] as const;
/** The select's value for "Custom field…": the target is `fields.<key>`. */
export const CUSTOM = 'fields.';
/** A custom field's key: lower-case letters, digits and _ ("source" is Parley's own). */
export const FIELD_KEY = /^[a-z0-9_]{1,40}$/;
const RESERVED_KEYS = ['source'];

/** One column's choice: a target ('' ignores it, CUSTOM uses `key`). */
export interface ColumnChoice {
  target: string;
  key: string;
}

/** The choice the API suggested for a column. */
export function choiceFrom(suggested: string | undefined): ColumnChoice {
  const s = suggested ?? '';
  if (s.startsWith(CUSTOM)) return { target: CUSTOM, key: s.slice(CUSTOM.length) };
  return { target: (TARGETS as readonly string[]).includes(s) ? s : '', key: '' };
}

/** The mapping entry the API takes for a choice. */
export const targetOf = (c: ColumnChoice) => (c.target === CUSTOM ? `${CUSTOM}${c.key}` : c.target);
/** A custom choice whose key is missing or malformed. */
export const badKey = (c: ColumnChoice) => c.target === CUSTOM && (!FIELD_KEY.test(c.key) || RESERVED_KEYS.includes(c.key));

/** How a mapping entry reads: "Phone", "city" for fields.city. */
export const targetLabel = (target: string) =>
  target.startsWith(CUSTOM) ? target.slice(CUSTOM.length) : t(`imports.target.${target || 'ignore'}` as Key);

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

export function ImportColumnTarget({ index, column, sample, choice, onChange }: {
  index: number;
  column: string;
  sample: string;
  choice: ColumnChoice;
  onChange: (choice: ColumnChoice) => void;
}) {
  const id = `import-target-${index}`;
  const keyId = `import-custom-${index}`;
  const invalid = badKey(choice);
  return (
    <li class="import-column" data-testid="import-column" data-column={column}>
      <div class="import-column-source">
        <label for={id}>{column || t('imports.unnamedColumn', { n: index + 1 })}</label>
        <span id={`${id}-sample`} class="muted import-sample">{sample ? t('imports.sample', { value: sample }) : t('imports.sampleEmpty')}</span>
      </div>
      <select id={id} data-testid="import-column-target" value={choice.target} aria-describedby={`${id}-sample`}
        onChange={(e) => onChange({ target: val(e), key: choice.key })}>
        <option value="">{t('imports.target.ignore')}</option>
        {TARGETS.map((x) => <option key={x} value={x}>{t(`imports.target.${x}` as Key)}</option>)}
        <option value={CUSTOM}>{t('imports.target.custom')}</option>
      </select>
      {choice.target === CUSTOM ? (
        <div class="import-custom">
          <label for={keyId}>{t('imports.customKey')}</label>
          <input id={keyId} type="text" autocomplete="off" spellcheck={false} maxLength={40} data-testid="import-column-custom"
            value={choice.key} aria-invalid={invalid ? 'true' : undefined} aria-describedby={`${keyId}-hint`}
            onInput={(e) => onChange({ target: CUSTOM, key: val(e).toLowerCase().replace(/[\s-]+/g, '_') })} />
          <p id={`${keyId}-hint`} class={invalid ? 'field-hint import-invalid' : 'field-hint'}>{t('imports.customKeyHint')}</p>
        </div>
      ) : null}
    </li>
  );
}
