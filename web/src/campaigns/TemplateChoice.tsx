// The campaign's template: the approved marketing and utility templates
// that need nothing but body parameters; the others are listed greyed out
// with the reason they cannot be used.
import type { Template } from '../api/templates';
import { t } from '../i18n';
import { languageLabel } from '../lib/format';
import { categoryLabel } from '../inbox/model';
import { templateKey, templateProblem } from './model';

interface Props {
  templates: Template[];
  value: string;
  onChange: (key: string) => void;
}

export function TemplateChoice({ templates, value, onChange }: Props) {
  const usable = templates.filter((x) => templateProblem(x) === null);
  const others = templates.filter((x) => templateProblem(x) !== null);
  const label = (x: Template) => `${x.name} · ${languageLabel(x.language)} · ${categoryLabel(String(x.category).toLowerCase())}`;
  return (
    <div class="field field--select">
      <label for="campaign-template">{t('campaigns.template')}</label>
      <select id="campaign-template" data-testid="campaign-template" value={value} aria-describedby="campaign-template-hint"
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{t('campaigns.templatePick')}</option>
        {usable.map((x) => <option key={templateKey(x)} value={templateKey(x)}>{label(x)}</option>)}
        {others.length ? (
          <optgroup label={t('campaigns.tpl.unusable')}>
            {others.map((x) => {
              const problem = templateProblem(x);
              return <option key={templateKey(x)} value={templateKey(x)} disabled>{`${label(x)} — ${problem ? t(problem) : ''}`}</option>;
            })}
          </optgroup>
        ) : null}
      </select>
      <p id="campaign-template-hint" class="field-hint">
        {usable.length ? t('campaigns.templateHint') : t('campaigns.templateNone')}
      </p>
    </div>
  );
}
