// The templates Meta has paused or disabled, and why: they are left out of
// the picker, and staff should know why one they expect is missing.
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { languageLabel } from '../../lib/format';
import { state } from '../store';

const HELD = ['PAUSED', 'DISABLED'];

export function HeldTemplates() {
  const held = (state.templates ?? []).filter((tpl) => HELD.includes(String(tpl.status).toUpperCase()));
  if (!held.length) return null;
  return (
    <div class="optout-note held-templates" data-testid="held-templates">
      <Icon name="warning" />
      <ul>
        {held.map((tpl) => (
          <li key={`${tpl.name}|${tpl.language}`} data-testid="held-template" data-template={tpl.name}>
            {t('tpl.held', { name: tpl.name, language: languageLabel(tpl.language), status: String(tpl.status).toLowerCase() })}
            {tpl.status_reason ? <span class="muted"> {tpl.status_reason}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
