// The emoji a reaction is picked from (loaded when first opened): a few
// common ones, and Remove when the business already reacted. A reaction
// goes out like any message inside the service window, so the customer's
// phone shows it on their message and the timeline keeps it.
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import * as messagesApi from '../api/messages';
import { t } from '../i18n';
import type { Reactable } from './ReactionPicker';
import { newKey } from './sendFile';
import { refreshSoon } from './store';

const CHOICES = ['👍', '❤️', '😂', '😮', '🙏', '✅'];

export function ReactionMenu({ messageId, target, onDone }: { messageId: string; target: Reactable; onDone: () => void }) {
  const [error, setError] = useState('');
  const react = async (emoji: string) => {
    try {
      await messagesApi.send(target.contactId, { type: 'reaction', reaction: { message_id: messageId, emoji } }, newKey());
      refreshSoon();
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? t('send.failed', { message: e.message }) : t('send.unreachable'));
    }
  };
  return (
    <div class="reaction-menu" role="group" aria-label={t('msg.react')} data-testid="reaction-menu">
      {CHOICES.map((emoji) => (
        <button type="button" key={emoji} class="reaction-choice" data-testid="reaction-choice" data-emoji={emoji}
          aria-label={t('msg.reactWith', { emoji })} aria-pressed={target.current === emoji} onClick={() => void react(emoji)}>{emoji}</button>
      ))}
      {target.current ? (
        <button type="button" class="button button--small button--secondary" data-testid="reaction-remove" onClick={() => void react('')}>
          {t('msg.reactRemove')}
        </button>
      ) : null}
      {error ? <span class="form-error" role="alert" data-testid="reaction-error">{error}</span> : null}
    </div>
  );
}
