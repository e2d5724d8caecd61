// One row per body placeholder: where its value comes from (the contact's
// first name, name or a custom field, with an optional fallback; or the
// same text for everyone).
import type { ParamSource } from '../api/campaigns';
import { t } from '../i18n';

type Choice = 'first_name' | 'name' | 'custom' | 'text';

const choiceOf = (p: ParamSource): Choice =>
  p.kind === 'text' ? 'text' : p.field === 'first_name' ? 'first_name' : p.field === 'name' ? 'name' : 'custom';

function fromChoice(choice: Choice, before: ParamSource): ParamSource {
  const fallback = before.kind === 'field' ? before.fallback : null;
  switch (choice) {
    case 'text':
      return { kind: 'text', text: before.kind === 'text' ? before.text : '' };
    case 'custom':
      return { kind: 'field', field: '', fallback };
    default:
      return { kind: 'field', field: choice, fallback };
  }
}

interface Props {
  tokens: string[];
  params: ParamSource[];
  onChange: (params: ParamSource[]) => void;
}

export function ParamRows({ tokens, params, onChange }: Props) {
  if (!tokens.length) return <p class="muted" data-testid="campaign-params-none">{t('campaigns.param.none')}</p>;
  const set = (i: number, p: ParamSource) => onChange(params.map((x, j) => (j === i ? p : x)));
  return (
    <div class="campaign-params" data-testid="campaign-params">
      {tokens.map((token, i) => {
        const p = params[i] ?? { kind: 'text', text: '' };
        const choice = choiceOf(p);
        const id = `campaign-param-${i}`;
        return (
          <fieldset class="campaign-param" key={token} data-testid="campaign-param" data-index={String(i)}>
            <legend><span class="param-token">{token}</span></legend>
            <div class="field field--select">
              <label for={`${id}-source`}>{t('campaigns.param.source')}</label>
              <select id={`${id}-source`} data-testid="campaign-param-source" value={choice}
                onChange={(e) => set(i, fromChoice((e.currentTarget as HTMLSelectElement).value as Choice, p))}>
                <option value="first_name">{t('campaigns.param.firstName')}</option>
                <option value="name">{t('campaigns.param.name')}</option>
                <option value="custom">{t('campaigns.param.custom')}</option>
                <option value="text">{t('campaigns.param.text')}</option>
              </select>
            </div>
            {p.kind === 'text' ? (
              <div class="field">
                <label for={`${id}-text`}>{t('campaigns.param.textLabel')}</label>
                <input id={`${id}-text`} type="text" data-testid="campaign-param-text" maxLength={1024} value={p.text}
                  onInput={(e) => set(i, { kind: 'text', text: (e.currentTarget as HTMLInputElement).value })} />
              </div>
            ) : (
              <>
                {choice === 'custom' ? (
                  <div class="field">
                    <label for={`${id}-field`}>{t('campaigns.param.fieldKey')}</label>
                    <input id={`${id}-field`} type="text" data-testid="campaign-param-field" maxLength={64} value={p.field} autocomplete="off"
                      onInput={(e) => set(i, { ...p, field: (e.currentTarget as HTMLInputElement).value })} />
                  </div>
                ) : null}
                <div class="field">
                  <label for={`${id}-fallback`}>{t('campaigns.param.fallback')}</label>
                  <input id={`${id}-fallback`} type="text" data-testid="campaign-param-fallback" maxLength={1024} value={p.fallback ?? ''}
                    aria-describedby={`${id}-fallback-hint`}
                    onInput={(e) => set(i, { ...p, fallback: (e.currentTarget as HTMLInputElement).value })} />
                  <p id={`${id}-fallback-hint`} class="field-hint">{t('campaigns.param.fallbackHint')}</p>
                </div>
              </>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
