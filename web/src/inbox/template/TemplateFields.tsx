// The inputs a template needs beyond its positional body parameters: the
// header's value, named body parameters (labelled by name) and button values.
import { t } from '../../i18n';
import { buttonFields, headerFields, namedFields, type FieldDef, type Template } from './fields';

interface Props {
  tpl: Template;
  values: Record<string, string>;
  onChange: (key: string, value: string) => void;
}

function Field({ def, value, onChange }: { def: FieldDef; value: string; onChange: Props['onChange'] }) {
  const id = `template-field-${def.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const hintId = def.hint ? `${id}-hint` : undefined;
  return (
    <div class="template-field">
      <div class="field field--param">
      <label for={id}>
        {def.token ? <span class="param-token">{def.token}</span> : def.label}
        {def.required ? null : <span class="field-optional"> {t('tpl.optional')}</span>}
      </label>
      <input id={id} type="text" autocomplete="off" data-testid="template-field" data-key={def.key}
        inputMode={def.inputMode} maxLength={def.maxLength} required={def.required} value={value}
        aria-describedby={hintId}
        onInput={(e) => onChange(def.key, (e.currentTarget as HTMLInputElement).value)} />
      </div>
      {def.hint ? <p class="field-hint" id={hintId}>{def.hint}</p> : null}
    </div>
  );
}

/** One titled group of fields (the header's, the body's or the buttons'). */
export function TemplateFieldGroup({ title, defs, values, onChange }: { title: string; defs: FieldDef[] } & Omit<Props, 'tpl'>) {
  if (!defs.length) return null;
  return (
    <fieldset class="template-params template-group">
      <legend>{title}</legend>
      {defs.map((def) => <Field key={def.key} def={def} value={values[def.key] ?? ''} onChange={onChange} />)}
    </fieldset>
  );
}

export function TemplateFields({ tpl, values, onChange }: Props) {
  return (
    <>
      <TemplateFieldGroup title={t('tpl.headerGroup')} defs={headerFields(tpl)} values={values} onChange={onChange} />
      <TemplateFieldGroup title={t('tpl.bodyGroup')} defs={namedFields(tpl)} values={values} onChange={onChange} />
      <TemplateFieldGroup title={t('tpl.buttonsGroup')} defs={buttonFields(tpl)} values={values} onChange={onChange} />
    </>
  );
}
