// The campaign's message as a customer will see it: the template's header,
// its body with each placeholder showing where its value comes from, its
// footer and buttons. Text only: no HTML from the template is rendered.
import type { ComponentChildren } from 'preact';
import type { ParamSource } from '../api/campaigns';
import type { Template } from '../api/templates';
import { t } from '../i18n';

/** What a parameter row puts in its placeholder, in words. */
export function sourceText(p: ParamSource | undefined): string {
  if (!p) return '';
  if (p.kind === 'text') return p.text.trim();
  if (!p.field.trim()) return '';
  const what = p.field === 'first_name' ? t('campaigns.param.firstName') : p.field === 'name' ? t('campaigns.param.name') : t('campaigns.param.fieldNamed', { field: p.field });
  return `[${what}]`;
}

function filled(tpl: Template, params: ParamSource[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  const text = tpl.body;
  let last = 0;
  for (const match of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const name = match[1] ?? '';
    const index = tpl.parameter_format === 'named' ? tpl.body_param_names.indexOf(name) : Number(name) - 1;
    const value = sourceText(params[index]);
    out.push(value ? <span class="param-value">{value}</span> : <span class="param-empty">{match[0]}</span>);
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function BodyPreview({ tpl, params }: { tpl: Template; params: ParamSource[] }) {
  return (
    <figure class="campaign-preview" data-testid="campaign-preview">
      <figcaption class="template-preview-label">{t('campaigns.preview')}</figcaption>
      <div class="template-preview">
      <div class="tpl-bubble">
        {tpl.header?.format === 'text' ? <p class="tpl-preview-header">{tpl.header.text}</p> : null}
        <p class="msg-text" data-testid="campaign-preview-body">{filled(tpl, params)}</p>
        {tpl.footer ? <p class="tpl-preview-footer">{tpl.footer}</p> : null}
        {tpl.buttons.length ? (
          <ul class="tpl-preview-buttons">
            {tpl.buttons.map((b, i) => <li key={i}>{b.type === 'copy_code' ? t('tpl.copyCodeButton') : b.text}</li>)}
          </ul>
        ) : null}
      </div>
      </div>
    </figure>
  );
}
