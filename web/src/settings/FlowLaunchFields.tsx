// A WhatsApp Flow source's published flow: Meta's flow id, the screen it
// opens at and its button, so staff can send it from the composer. Left
// blank, the source still takes forms sent some other way.
import type { FlowLaunch } from '../api/leads';
import { t } from '../i18n';

const EMPTY: FlowLaunch = { flow_id: '', screen: '', cta: '' };
const PARTS = [
  { key: 'flow_id', label: 'leads.flowId', max: 32 },
  { key: 'screen', label: 'leads.flowScreen', max: 64 },
  { key: 'cta', label: 'leads.flowCta', max: 20 },
] as const;

export function FlowLaunchFields({ value, onChange }: { value: FlowLaunch | null | undefined; onChange: (next: FlowLaunch | null) => void }) {
  const launch = value ?? EMPTY;
  const set = (key: keyof FlowLaunch, text: string) => {
    const next = { ...launch, [key]: text };
    onChange(next.flow_id.trim() || next.screen.trim() || next.cta.trim() ? next : null);
  };
  return (
    <fieldset class="field import-fieldset" data-testid="lead-source-flow">
      <legend>{t('leads.flowLaunch')}</legend>
      <p class="muted">{t('leads.flowLaunchHint')}</p>
      {PARTS.map((p) => (
        <div class="field" key={p.key}>
          <label for={`lead-source-${p.key}`}>{t(p.label)}</label>
          <input id={`lead-source-${p.key}`} data-testid={`lead-source-${p.key}`} maxLength={p.max} value={launch[p.key]}
            onInput={(e) => set(p.key, (e.currentTarget as HTMLInputElement).value)} />
        </div>
      ))}
    </fieldset>
  );
}
