// The parts of a campaign's template that are the same for every recipient:
// the header's file, text or place, and the buttons' values (a coupon code,
// a link's ending). The body's parameters come from each contact's fields.
import { TemplateFieldGroup } from '../inbox/template/TemplateFields';
import { buttonFields, headerFields, templateSend, type Template } from '../inbox/template/fields';
import { t } from '../i18n';

interface Props {
  tpl: Template;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
}

/** The header and buttons fields still empty that the template needs. */
export function fixedPartsMissing(tpl: Template, values: Record<string, string>): number {
  return [...headerFields(tpl), ...buttonFields(tpl)].filter((f) => f.required && !(values[f.key] ?? '').trim()).length;
}

/** What the campaign API takes for those parts. */
export function fixedParts(tpl: Template, values: Record<string, string>) {
  const { header, buttons } = templateSend(tpl, [], values);
  return { header: header ?? null, buttons: buttons ?? [] };
}

export function FixedParts({ tpl, values, onChange }: Props) {
  const set = (key: string, value: string) => onChange({ ...values, [key]: value });
  return (
    <div data-testid="campaign-fixed-parts">
      <TemplateFieldGroup title={t('tpl.headerGroup')} defs={headerFields(tpl)} values={values} onChange={set} />
      <TemplateFieldGroup title={t('tpl.buttonsGroup')} defs={buttonFields(tpl)} values={values} onChange={set} />
    </div>
  );
}
