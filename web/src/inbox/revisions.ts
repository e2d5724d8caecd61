// A customer's edit or deletion (revoke) of an earlier message is a message
// of its own naming the one it changes. The timeline shows the latest on the
// message it changes; these are the rules for that. No DOM here.

import type { Message } from '../api/messages';
import { t } from '../i18n';
import { parseTime } from '../lib/format';
import { snippet, str } from './model';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

/** The wamid of the message `m` edits or deletes; null for any other message. */
export function revisedId(m: Message): string | null {
  if (m.type !== 'edit' && m.type !== 'revoke') return null;
  return str(obj(m.content).original_message_id);
}

/**
 * For each message changed, its revision to show: the latest edit by time,
 * or a deletion, which wins over any edit.
 */
export function latestRevisions(list: Message[]): Map<string, Message> {
  const out = new Map<string, Message>();
  for (const m of list) {
    const id = revisedId(m);
    if (!id) continue;
    const cur = out.get(id);
    const later = (parseTime(m.at) ?? 0) >= (parseTime(cur?.at) ?? 0);
    if (!cur || (cur.type !== 'revoke' && (m.type === 'revoke' || later))) out.set(id, m);
  }
  return out;
}

/** What an edit says now: its text, else its new content's body or caption. */
export function editedText(r: Message): string | null {
  const now = obj(obj(r.content).content);
  return str(r.text) ?? str(now.body) ?? str(obj(now.media).caption);
}

/** `m` as an edit `r` left it (the text replaced); `m` itself for no edit. */
export function asEdited(m: Message, r: Message | null | undefined): Message {
  if (!r || r.type !== 'edit') return m;
  const text = editedText(r);
  return text === null ? m : { ...m, text };
}

/** The short quote of `m` (for replies and reactions), after its revision. */
export function revisedSnippet(m: Message | undefined, revisions: Map<string, Message>): string | null {
  if (!m) return null;
  const r = revisions.get(String(m.id));
  if (r?.type === 'revoke') return t('msg.deleted');
  return snippet(asEdited(m, r));
}

/** What `memo` compares for a revision shown on its original. */
export function revisionSig(r: Message | null): unknown {
  return r ? [r.id, r.type, r.text, r.at, r.content] : null;
}
