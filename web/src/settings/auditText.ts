// An audit line in words: the action's code with its underscores as spaces
// ("set_password" reads "Set password"), and the detail's fields as
// "name: value" pairs rather than JSON. The codes are the API's, in English
// in either language: they name what the log recorded, exactly.

export function auditAction(code: string): string {
  const words = code.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function auditDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  if (Array.isArray(detail)) return detail.map(asText).join(', ');
  return Object.entries(detail as Record<string, unknown>)
    .map(([key, value]) => `${key.replaceAll('_', ' ')}: ${asText(value)}`)
    .join(' · ');
}

/** A string as it is; anything else (a number, a list, an object) as JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
