// The whole message as the customer will see it: header, body with the
// values filled in, footer and buttons.
import type { ComponentChildren } from 'preact';
import { t } from '../../i18n';
import type { Key } from '../../i18n/en';
import { type Template } from './fields';

interface Props {
  tpl: Template;
  params: string[];
  values: Record<string, string>;
}

function filled(text: string, params: string[], values: Record<string, string>): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const name = match[1] ?? '';
    const value = /^\d+$/.test(name) ? params[Number(name) - 1] : values[`named.${name}`];
    out.push(value && value.trim() ? <span class="param-value">{value}</span> : <span class="param-empty">{match[0]}</span>);
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function Header({ tpl, values }: Omit<Props, 'params'>) {
  const h = tpl.header;
  if (!h) return null;
  if (h.format === 'text') {
    const text = h.parameter ? h.text.replace(/\{\{[^}]*\}\}/, (all) => values['header.text']?.trim() || all) : h.text;
    return <p class="tpl-preview-header">{text}</p>;
  }
  if (h.format === 'location') {
    const lat = values['header.latitude']?.trim();
    const lon = values['header.longitude']?.trim();
    const place = values['header.name']?.trim();
    return <p class="tpl-preview-media" data-testid="preview-header">{t('tpl.header.location')}: {place || (lat && lon ? `${lat}, ${lon}` : '—')}</p>;
  }
  const source = values['header.media']?.trim();
  return <p class="tpl-preview-media" data-testid="preview-header">{t(`tpl.header.${h.format}` as Key)}: {source || '—'}</p>;
}

export function TemplatePreview({ tpl, params, values }: Props) {
  return (
    <div class="template-preview" data-testid="template-preview" aria-labelledby="template-preview-label">
      <div class="tpl-bubble">
      <Header tpl={tpl} values={values} />
      <p class="msg-text">{tpl.body ? filled(tpl.body, params, values) : <span class="param-empty">{t('tpl.noBody')}</span>}</p>
      {tpl.footer ? <p class="tpl-preview-footer" data-testid="preview-footer">{tpl.footer}</p> : null}
      {tpl.buttons.length ? (
        <ul class="tpl-preview-buttons" data-testid="preview-buttons">
          {tpl.buttons.map((b, i) => <li key={i}>{b.type === 'copy_code' ? t('tpl.copyCodeButton') : b.text}</li>)}
        </ul>
      ) : null}
      </div>
    </div>
  );
}
