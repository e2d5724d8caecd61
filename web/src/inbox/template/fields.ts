// What a template needs besides its positional body parameters, as form
// fields: the header's value (text parameter, media link or id, location),
// named body parameters, and button values. Also turns the filled fields into
// the API's send body. Pure: the components render these.
import type { components } from '../../api/schema';
import { t } from '../../i18n';
import type { Key } from '../../i18n/en';

export type Template = components['schemas']['Template'];
export type TemplateSend = components['schemas']['TemplateSend'];
type Button = Template['buttons'][number];

export interface FieldDef {
  /** Where the value is kept in the draft. */
  key: string;
  /** The label (a placeholder's name is shown as its token). */
  label: string;
  token?: string;
  hint?: string;
  required: boolean;
  maxLength: number;
  inputMode?: 'url' | 'decimal' | 'text';
}

const field = (key: string, label: string, required: boolean, maxLength: number, extra: Partial<FieldDef> = {}): FieldDef =>
  ({ key, label, required, maxLength, ...extra });

/** The header's fields: none for a fixed text header. */
export function headerFields(tpl: Template): FieldDef[] {
  const h = tpl.header;
  if (!h) return [];
  switch (h.format) {
    case 'text':
      return h.parameter ? [field('header.text', t('tpl.headerText'), true, 60, { token: `{{${h.parameter}}}` })] : [];
    case 'image':
    case 'video':
    case 'document': {
      const media = field('header.media', t(`tpl.header.${h.format}` as Key), true, 2000, { inputMode: 'url', hint: t('tpl.mediaHint') });
      return h.format === 'document' ? [media, field('header.filename', t('tpl.filename'), false, 240)] : [media];
    }
    case 'location':
      return [
        field('header.latitude', t('tpl.latitude'), true, 20, { inputMode: 'decimal' }),
        field('header.longitude', t('tpl.longitude'), true, 20, { inputMode: 'decimal' }),
        field('header.name', t('tpl.placeName'), false, 100),
        field('header.address', t('tpl.placeAddress'), false, 200),
      ];
    default:
      return [];
  }
}

/** A named template's body fields, labelled by name. */
export function namedFields(tpl: Template): FieldDef[] {
  if (tpl.parameter_format !== 'named') return [];
  return tpl.body_param_names.map((name) => field(`named.${name}`, name, true, 1024, { token: `{{${name}}}` }));
}

function buttonField(b: Button, i: number): FieldDef | null {
  switch (b.type) {
    case 'url':
      return b.dynamic ? field(`button.${i}`, t('tpl.urlSuffix', { label: b.text }), true, 2000, { hint: b.url }) : null;
    case 'copy_code':
      return field(`button.${i}`, t('tpl.couponCode'), true, 20);
    case 'quick_reply':
      return field(`button.${i}`, t('tpl.replyPayload', { label: b.text }), false, 256, { hint: t('tpl.replyPayloadHint') });
    default:
      return null;
  }
}

/** The buttons' fields, by the button's place. */
export function buttonFields(tpl: Template): FieldDef[] {
  return tpl.buttons.flatMap((b, i) => buttonField(b, i) ?? []);
}

export function allFields(tpl: Template): FieldDef[] {
  return [...headerFields(tpl), ...namedFields(tpl), ...buttonFields(tpl)];
}

/** How many required fields are still empty. */
export function missingCount(tpl: Template, values: Record<string, string>): number {
  return allFields(tpl).filter((f) => f.required && !(values[f.key] ?? '').trim()).length;
}

function media(value: string): { link: string } | { id: string } {
  return /^\d+$/.test(value) ? { id: value } : { link: value };
}

function headerValue(tpl: Template, v: (key: string) => string): TemplateSend['header'] {
  const h = tpl.header;
  const optional = (key: string) => v(key) || undefined;
  switch (h?.format) {
    case 'text':
      return h.parameter ? { type: 'text', text: v('header.text') } : undefined;
    case 'image':
      return { type: 'image', image: media(v('header.media')) };
    case 'video':
      return { type: 'video', video: media(v('header.media')) };
    case 'document':
      return { type: 'document', document: media(v('header.media')), filename: optional('header.filename') };
    case 'location':
      return {
        type: 'location', latitude: v('header.latitude'), longitude: v('header.longitude'),
        name: optional('header.name'), address: optional('header.address'),
      };
    default:
      return undefined;
  }
}

/** The API's `template` object for these values. */
export function templateSend(tpl: Template, params: string[], values: Record<string, string>): TemplateSend {
  const v = (key: string) => (values[key] ?? '').trim();
  const named: Record<string, string> = {};
  for (const f of namedFields(tpl)) named[f.key.slice('named.'.length)] = v(f.key);
  const buttons: NonNullable<TemplateSend['buttons']> = [];
  tpl.buttons.forEach((b, index) => {
    const value = v(`button.${index}`);
    if (!value) return;
    if (b.type === 'url' && b.dynamic) buttons.push({ type: 'url', index, text: value });
    else if (b.type === 'copy_code') buttons.push({ type: 'copy_code', index, coupon_code: value });
    else if (b.type === 'quick_reply') buttons.push({ type: 'quick_reply', index, payload: value });
  });
  const send: TemplateSend = { name: tpl.name, language: tpl.language, params: tpl.parameter_format === 'named' ? [] : params };
  const header = headerValue(tpl, v);
  if (header) send.header = header;
  if (Object.keys(named).length) send.named = named;
  if (buttons.length) send.buttons = buttons;
  return send;
}

/** The body with every placeholder filled from positional or named values. */
export function fillBody(tpl: Template, params: string[], values: Record<string, string>): string {
  return tpl.body.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (all, name: string) => {
    const value = /^\d+$/.test(name) ? params[Number(name) - 1] : values[`named.${name}`];
    return value && value.trim() ? value.trim() : all;
  });
}
