// One message of the timeline. Every string a customer, Meta or staff wrote
// is rendered as text.
import type { ComponentChildren } from 'preact';
import { memo } from 'preact/compat';
import type { Estimate, Message } from '../api/messages';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { fmtFull, fmtTime, money, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { isManager } from '../lib/session';
import { MediaAttachment } from './MediaAttachment';
import { categoryLabel, describe, errorLines, estimateWords, humanize, outboundErrors, snippet, STATUS, str } from './model';
import { OriginMark } from './OriginMark';
import { ReactionPicker, type Reactable } from './ReactionPicker';
import { asEdited, revisionSig } from './revisions';
import { ownerLabel, retryMessage, updateDraft, type LocalMessage } from './store';

export function EstimateChip({ estimate }: { estimate: Estimate | null | undefined }) {
  if (!estimate || typeof estimate !== 'object') return null;
  return (
    <span class={`estimate-chip${estimate.free ? ' estimate-chip--free' : ''}`}>
      <span class="estimate-tag">{t('estimate.tag')}</span>
      <span>{estimateWords(estimate)}</span>
    </span>
  );
}

/**
 * How Meta billed this message, from the `pricing` of its status webhooks
 * (for managers and admins). Meta names no amount: the price shown is the
 * rate card's, when the estimate priced the category Meta billed.
 */
export function billedWords(m: Message): string | null {
  const pricing = m.pricing as { billable?: unknown; category?: unknown } | null | undefined;
  if (!pricing || typeof pricing !== 'object' || typeof pricing.billable !== 'boolean') return null;
  const category = categoryLabel(str(pricing.category) || 'unknown');
  if (!pricing.billable) return t('msg.notBilled', { category });
  const e = m.estimate;
  const priced = e && typeof e === 'object' && e.category === pricing.category && !e.free && Number.isFinite(Number(e.amount_minor)) && str(e.currency);
  return priced ? t('msg.billedAt', { category, amount: money(Number(e.amount_minor), e.currency) }) : t('msg.billed', { category });
}

function RetryButton({ id, busy }: { id: string; busy: boolean }) {
  return (
    <button type="button" class="retry-button" data-testid="retry" disabled={busy} onClick={() => retryMessage(id)}>
      <Icon name="retry" />
      {busy ? t('msg.retrying') : t('msg.retry')}
    </button>
  );
}

function DeliveryNotes({ m, busy, retryError }: { m: Message; busy: boolean; retryError: string | undefined }) {
  const attempts = Number.isInteger(m.attempts) ? (m.attempts as number) : 0;
  const final = m.status === 'sent' || m.status === 'delivered' || m.status === 'read';
  const id = String(m.id);
  let notes = null;
  if (m.status === 'failed') {
    const errs = outboundErrors(m.errors);
    notes = (
      <>
        <div class="msg-errors msg-errors--out" data-testid="message-errors">
          <Icon name="warning" />
          <div class="msg-errors-list">
            {(errs.length ? errs : [{ title: t('msg.notDelivered'), code: null, details: null }]).map((e, i) => (
              <div class="msg-error" data-testid="message-error" key={i}>
                <span class="msg-error-head">
                  <strong class="msg-error-title">{e.title}</strong>
                  {e.code ? <span class="msg-error-code">{e.code}</span> : null}
                </span>
                {e.details ? <span class="msg-error-details">{e.details}</span> : null}
              </div>
            ))}
          </div>
        </div>
        <div class="msg-actions"><RetryButton id={id} busy={busy} /></div>
      </>
    );
  } else if (m.outcome_unknown === true && !final) {
    notes = (
      <>
        <div class="msg-errors msg-errors--unknown" data-testid="delivery-unknown"><Icon name="warning" /><span>{t('msg.deliveryUnknown')}</span></div>
        <div class="msg-actions"><RetryButton id={id} busy={busy} /></div>
      </>
    );
  } else if (m.status === 'queued' && attempts > 0) {
    notes = <div class="msg-note" data-testid="delivery-retrying"><Icon name="clock" /><span>{t('msg.retryingAttempt', { n: attempts + 1 })}</span></div>;
  } else if (m.status === 'sending' && attempts > 1) {
    notes = <div class="msg-note" data-testid="delivery-retrying"><Icon name="clock" /><span>{t('msg.sendingAttempt', { n: attempts })}</span></div>;
  }
  const cost = m.estimate && typeof m.estimate === 'object' && m.estimate.free === false;
  const billed = isManager() ? billedWords(m) : null;
  return (
    <>
      {notes}
      {retryError ? <div class="msg-retry-error" data-testid="retry-error" role="alert">{retryError}</div> : null}
      {cost ? <div class="msg-cost" data-testid="message-estimate" title={t('msg.estimateTitle')}><EstimateChip estimate={m.estimate} /></div> : null}
      {billed ? <div class="msg-cost msg-billed" data-testid="message-billed" title={t('msg.billedTitle')}>{billed}</div> : null}
    </>
  );
}

interface Props {
  m: LocalMessage;
  quoted: string | null;
  reactionTarget: string | null;
  /** Staff may react to it (a customer's message, window open). */
  reactable: Reactable | null;
  busy: boolean;
  retryError: string | undefined;
  /** The customer's latest edit or deletion of this message, shown on it. */
  revision: Message | null;
  sig: string;
}

function MessageItem({ m, quoted, reactionTarget, reactable, busy, retryError, revision }: Props) {
  const index = new Map<string, Message>();
  if (m.type === 'reaction' && reactionTarget !== null) {
    const target = String((m.content as Record<string, unknown> | null)?.message_id);
    index.set(target, { id: target, text: reactionTarget, type: 'text' } as Message);
  }
  const direction = m.direction === 'out' ? 'out' : 'in';
  const at = parseTime(m.at);
  const time = at === null ? null : <time class="msg-time" dateTime={new Date(at).toISOString()} title={fmtFull(at)}>{fmtTime(at)}</time>;
  const attrs = {
    'data-testid': 'message', 'data-message-id': String(m.id), 'data-direction': direction, 'data-type': String(m.type ?? ''),
    'data-revision': revision ? String(revision.type) : undefined,
  };
  if (revision?.type === 'revoke') return <Revoked attrs={attrs} direction={direction} origin={m.origin} time={time} />;
  const edited = revision?.type === 'edit';
  const d = describe(asEdited(m, revision), index);

  if (d.kind === 'system') {
    return (
      <li {...attrs} class="msg msg--system">
        <div class="system-note"><Icon name="info" /><span class="msg-text" data-testid="message-text">{d.text}</span>{time ? ' · ' : null}{time}</div>
      </li>
    );
  }
  const ctx = m.context && typeof m.context === 'object' ? (m.context as Record<string, unknown>) : null;
  const forwarded = Boolean(ctx?.forwarded || ctx?.frequently_forwarded);
  const quotedId = ctx?.id ?? ctx?.message_id;
  const ref = m.referral && typeof m.referral === 'object' ? (m.referral as Record<string, unknown>) : null;
  const status = direction === 'out' && m.status ? (STATUS[m.status] ?? { icon: 'info' as const, key: null }) : null;
  const statusLabel = status ? (status.key ? t(status.key) : humanize(m.status) ?? '?') : '';
  const inboundErrors = direction === 'in' ? errorLines(m.errors) : [];
  return (
    <li {...attrs} class={`msg msg--${direction}${m.type === 'reaction' ? ' msg--reaction' : ''}${m.local ? ' msg--local' : ''}`}>
      <div class="bubble">
        {forwarded ? (
          <div class="forwarded" data-testid="forwarded"><Icon name="forward" />{ctx?.frequently_forwarded ? t('msg.forwardedMany') : t('msg.forwarded')}</div>
        ) : null}
        {ctx && (quotedId || ctx.referred_product || !forwarded) ? (
          <div class="reply-ref" data-testid="reply">
            <span class="reply-mark">{t('msg.replyMark')}</span>
            {quoted ? <span class="reply-quote">{quoted}</span> : null}
            {ctx.referred_product ? <span class="reply-quote">{t('msg.aboutProduct')}</span> : null}
          </div>
        ) : null}
        {ref ? (
          <div class="referral" data-testid="ad-tag" title={str(ref.body) ?? undefined}>
            <span class="tag tag--ad"><Icon name="ad" class="icon icon--tiny" />{t('msg.ad')}</span>
            <span class="referral-headline">{str(ref.headline) ?? humanize(ref.source_type) ?? t('msg.ctwa')}</span>
          </div>
        ) : null}
        {m.campaign_id ? <CampaignMark id={m.campaign_id} direction={direction} /> : null}
        <OriginMark origin={m.origin} />
        {d.call ? (
          <div class={`placeholder call-entry${d.call.missed ? ' call-entry--missed' : ''}`} data-testid="call-entry" data-missed={String(d.call.missed)}>
            <Icon name="phone" /><span>{d.label}</span>
          </div>
        ) : d.label && m.media?.status !== 'stored' ? (
          <div class={`placeholder${d.compact ? ' placeholder--compact' : ''}`} data-testid="placeholder"><Icon name={d.icon ?? 'info'} /><span>{d.label}</span></div>
        ) : null}
        {m.media ? <MediaAttachment media={m.media} type={String(m.type ?? '')} /> : null}
        {(d.lines ?? []).filter(Boolean).map((line, i) => <div class="detail" key={`l${i}`}>{line}</div>)}
        {d.link ? <a class="map-link" href={d.link} target="_blank" rel="noopener noreferrer">{t('msg.openMap')}</a> : null}
        {d.text ? (
          <p class="msg-text" data-testid="message-text">{d.text}</p>
        ) : !d.label ? (
          <p class="msg-text msg-text--empty" data-testid="message-text">{d.emptyText ?? t('msg.empty')}</p>
        ) : null}
        {(d.trailing ?? []).filter(Boolean).map((line, i) => <div class="detail detail--trailing" key={`t${i}`}>{line}</div>)}
        {d.answers?.length ? (
          <dl class="flow-answers" data-testid="flow-answers">
            {d.answers.flatMap(([k, v]) => [<dt key={`k-${k}`}>{k}</dt>, <dd key={`v-${k}`} data-key={k}>{v}</dd>])}
          </dl>
        ) : null}
        {direction === 'out' ? <DeliveryNotes m={m} busy={busy} retryError={retryError} /> : null}
        {direction === 'out' && typeof m.sent_by === 'string' ? (
          <div class="sent-by" data-testid="sent-by" data-agent={m.sent_by}>{t('msg.sentBy', { name: ownerLabel(m.sent_by) })}</div>
        ) : null}
        {inboundErrors.length ? (
          <div class="msg-errors" data-testid="message-errors"><Icon name="warning" /><span>{inboundErrors.join('; ')}</span></div>
        ) : null}
        <span class={`meta-spacer${edited ? ' meta-spacer--edited' : ''}`} aria-hidden="true" />
        <div class="msg-meta">
          {edited ? (
            <span class="edited-mark" data-testid="edited-mark" title={t('msg.editedTitle', { text: describe(m, index).text ?? snippet(m) ?? '' })}>{t('msg.edited')}</span>
          ) : null}
          {time}
          {status ? (
            <span class={`ticks ticks--${String(m.status).replace(/[^a-z]/g, '')}`} data-testid="status" data-status={String(m.status)} role="img" aria-label={statusLabel} title={statusLabel}>
              <Icon name={status.icon} />
            </span>
          ) : null}
        </div>
      </div>
      {direction === 'in' && m.type !== 'reaction' && m.type !== 'edit' && m.type !== 'revoke' && m.type !== 'call' && m.type !== 'call_ringing' && m.id !== undefined && m.id !== null ? (
        <button type="button" class="msg-action" data-testid="reply-action" aria-label={t('msg.replyTo')} title={t('msg.reply')}
          onClick={() => updateDraft((draft) => { draft.replyTo = String(m.id); })}>
          <Icon name="reply" />
        </button>
      ) : null}
      {reactable && m.id !== undefined && m.id !== null ? <ReactionPicker messageId={String(m.id)} target={reactable} /> : null}
    </li>
  );
}

/** Which campaign sent the message, or which one the customer answered. */
function CampaignMark({ id, direction }: { id: string; direction: string }) {
  const label = direction === 'out' ? t('msg.campaignSent') : t('msg.campaignReply');
  return (
    <div class="referral" data-testid="campaign-mark" data-campaign-id={id}>
      <span class="tag tag--ad"><Icon name="ad" class="icon icon--tiny" />{t('msg.campaign')}</span>
      {isManager() ? <a href={href({ name: 'campaigns', campaign: id })}>{label}</a> : <span>{label}</span>}
    </div>
  );
}

/** A message its sender deleted for everyone: neither its text nor its media is shown. */
function Revoked({ attrs, direction, origin, time }: { attrs: Record<string, string | undefined>; direction: string; origin: unknown; time: ComponentChildren }) {
  return (
    <li {...attrs} class={`msg msg--${direction} msg--revoked`}>
      <div class="bubble">
        <OriginMark origin={origin} />
        <div class="revoked-mark" data-testid="revoked-mark"><Icon name="deleted" /><span>{t('msg.deleted')}</span></div>
        <span class="meta-spacer" aria-hidden="true" />
        <div class="msg-meta">{time}</div>
      </div>
    </li>
  );
}

/** Re-renders only when what it shows changed. */
export const MessageView = memo(MessageItem, (a, b) => a.sig === b.sig);

export function messageSig(m: LocalMessage, quoted: string | null, reactionTarget: string | null, reactable: Reactable | null, busy: boolean, retryError: string | undefined, revision: Message | null): string {
  return JSON.stringify([m.id, m.direction, m.type, m.text, m.status, m.at, m.content, m.context, m.referral, m.errors,
    m.attempts, m.outcome_unknown, m.estimate, m.campaign_id ?? null, m.origin ?? null, typeof m.sent_by === 'string' ? ownerLabel(m.sent_by) : null, m.local === true, m.media?.status ?? null, m.media?.sha256 ?? null,
    quoted, reactionTarget, reactable?.current ?? null, busy, retryError ?? null, revisionSig(revision)]);
}

export { snippet };
