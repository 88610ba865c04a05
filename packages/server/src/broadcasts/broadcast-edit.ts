import type { BroadcastBody, BroadcastPatch } from '@beckon/protocol/broadcasts-api';
import { CAMPAIGN_DEFAULTS } from '@beckon/protocol/campaign';
import { conflict } from '../errors.ts';
import type { BroadcastStatus } from '../store/broadcast-schema.ts';
import type { BroadcastRecord, NewBroadcast } from '../store/broadcasts-repo.ts';
import type { Store } from '../store/store.ts';
import { checkBroadcast } from './broadcast-content.ts';
import { earliestLocalTime } from './send-clock.ts';
import { guardrailsOf } from './sending-settings.ts';

/**
 * A broadcast as it is saved: checked whole (segment, channels, content, time), with the time its
 * sender starts. A local-time send starts when the first zone (UTC+14) reaches its wall-clock time.
 */
export async function preparedBroadcast(
  store: Store,
  accountId: string,
  body: BroadcastBody,
  now: number,
): Promise<NewBroadcast> {
  const { filter, scheduledAt } = await checkBroadcast(store, accountId, body, now);
  const localTime = body.localTime ?? false;
  const startAt = localTime
    ? Math.max(now, earliestLocalTime(scheduledAt, (await guardrailsOf(store, accountId)).timeZone))
    : scheduledAt;
  return {
    name: body.name,
    segmentId: body.segmentId,
    filter,
    channels: body.channels,
    content: body.content,
    skillId: body.skillId ?? null,
    holdoutPercent: body.holdoutPercent ?? 10,
    localTime,
    attributionWindowDays: body.attributionWindowDays ?? CAMPAIGN_DEFAULTS.attributionWindowDays,
    status: body.status ?? 'scheduled',
    scheduledAt,
    startAt,
  };
}

/** True while a broadcast may still be changed: a draft, or scheduled and not started. */
export const editable = (b: BroadcastRecord): boolean =>
  b.startedAt === null && (b.status === 'draft' || b.status === 'scheduled');

/** Why a broadcast can no longer be changed (409). */
export function notEditable(status: BroadcastStatus) {
  if (status === 'sent') return conflict('the broadcast was sent, so it can no longer be changed');
  if (status === 'cancelled') return conflict('the broadcast was cancelled, so it can no longer be changed');
  return conflict('the broadcast has started sending, so it can no longer be changed');
}

/**
 * The saved broadcast with a change laid over it, as a whole body to check again. `content`
 * replaces the whole content. `sendAt: null` means now; left out, the saved time stays, unless it
 * has passed (a draft saved to go "now" goes when it is scheduled).
 */
export function changedBody(b: BroadcastRecord, patch: BroadcastPatch, now: number): BroadcastBody {
  const kept = b.scheduledAt > now ? new Date(b.scheduledAt).toISOString() : undefined;
  const sendAt = patch.sendAt === undefined ? kept : (patch.sendAt ?? undefined);
  return {
    name: patch.name ?? b.name,
    segmentId: patch.segmentId ?? b.segmentId,
    channels: patch.channels ?? (b.channels as BroadcastBody['channels']),
    content: patch.content ?? b.content,
    skillId: patch.skillId === undefined ? b.skillId : patch.skillId,
    ...(sendAt === undefined ? {} : { sendAt }),
    localTime: patch.localTime ?? b.localTime,
    holdoutPercent: patch.holdoutPercent ?? b.holdoutPercent,
    attributionWindowDays: patch.attributionWindowDays ?? b.attributionWindowDays,
    status: patch.status ?? (b.status === 'draft' ? 'draft' : 'scheduled'),
  };
}
