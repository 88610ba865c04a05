import { ListOf } from '@beckon/protocol/api';
import {
  BroadcastBody,
  type BroadcastBody as BroadcastInput,
  BroadcastPatch,
  type BroadcastPatch as BroadcastPatchInput,
  BroadcastRecipientsPage,
  BroadcastRecipientsQuery,
  BroadcastView,
} from '@beckon/protocol/broadcasts-api';
import {
  SendingSettings,
  SendingSettingsBody,
  type SendingSettingsBody as SendingSettingsBodyInput,
} from '@beckon/protocol/sending-settings-api';
import Type from 'typebox';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import type { BroadcastRecord } from '../store/broadcasts-repo.ts';
import type { Store } from '../store/store.ts';
import { linkNotValid } from '../web/html-page.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { changedBody, editable, notEditable, preparedBroadcast } from './broadcast-edit.ts';
import { broadcastLift } from './broadcast-lift.ts';
import { LINK_PATH, tokenHash } from './broadcast-links.ts';
import { BroadcastSender } from './broadcast-sender.ts';
import { changeSendingSettings, sendingSettingsView } from './sending-settings.ts';
import { BROADCAST_VIEW_REUSE, ViewReuse } from './view-reuse.ts';

const senders = new WeakMap<AppContext, BroadcastSender>();

/** The node's broadcast sender, when it runs one (tests stop it mid-send). */
export const broadcastSenderOf = (ctx: AppContext): BroadcastSender | undefined => senders.get(ctx);

const isoOf = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A broadcast's funnel and lift, the part of its view that reads every recipient. */
type Counts = Pick<BroadcastView, 'funnel' | 'lift' | 'countedAt'>;

/**
 * A broadcast as the API shows it. The counts of a large one are reused for a while (view-reuse.ts),
 * never across a change of its status: counts read while it was recording are not shown once it
 * says it has recorded everyone (a reader waiting for the end would take them for the last ones).
 */
async function viewOf(store: Store, b: BroadcastRecord, reuse: ViewReuse<Counts>): Promise<BroadcastView> {
  const key = `${b.id}:${b.status}:${b.finishedAt ?? ''}`;
  const { funnel, lift, countedAt } = await reuse.get(key, async () => {
    // The counts are as of when their reads began.
    const at = new Date().toISOString();
    return {
      funnel: await store.broadcasts.funnel(b.id),
      lift: await broadcastLift(store, b),
      countedAt: at,
    };
  });
  // Every message queued is not every message gone: paced ones still wait in the outbox.
  const waiting = funnel.queued - funnel.sent - funnel.failed - funnel.inDoubt - funnel.withdrawn;
  return {
    id: b.id,
    name: b.name,
    segmentId: b.segmentId,
    filter: b.filter,
    channels: b.channels,
    content: b.content,
    skillId: b.skillId,
    holdoutPercent: b.holdoutPercent,
    localTime: b.localTime,
    attributionWindowDays: b.attributionWindowDays,
    status: b.status === 'sent' && waiting > 0 ? 'sending' : b.status,
    sendAt: new Date(b.scheduledAt).toISOString(),
    startedAt: isoOf(b.startedAt),
    finishedAt: isoOf(b.finishedAt),
    createdAt: new Date(b.createdAt).toISOString(),
    funnel,
    lift,
    countedAt,
  };
}

/**
 * Broadcasts: one message to a segment on each contact's preferred channel, now or at a time,
 * with a holdout kept out and recorded; and the node's sender that works them through the outbox.
 * Registered in `features.ts`.
 */
export function broadcastsFeature(app: App, ctx: AppContext): void {
  const { store } = ctx;
  // This node's last counts of its large broadcasts.
  const reuse = new ViewReuse<Counts>(BROADCAST_VIEW_REUSE, (c) => c.funnel.targeted);
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['broadcasts'];

  app.post(
    '/api/v1/broadcasts',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Send a message to a segment, now or at a time',
        description:
          'Each contact gets the first channel of `channels` they can be reached on with consent. `holdoutPercent` of the segment (default 10) is kept out and recorded. A fault is a 400 `invalid_broadcast` naming its path.',
        body: BroadcastBody,
        response: replies(201, BroadcastView),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const now = Date.now();
      const input = await preparedBroadcast(store, accountId, req.body as BroadcastInput, now);
      const created = await store.broadcasts.create(accountId, input, now);
      if (input.status === 'scheduled' && input.startAt <= now) senders.get(ctx)?.wake();
      return reply.code(201).send(await viewOf(store, created, reuse));
    },
  );

  app.get(
    '/api/v1/broadcasts',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'The latest broadcasts, newest first, with their funnels',
        response: replies(200, ListOf(BroadcastView)),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const items = [];
      for (const b of await store.broadcasts.list(accountId)) items.push(await viewOf(store, b, reuse));
      return { items };
    },
  );

  app.get(
    '/api/v1/broadcasts/:id',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'One broadcast with its funnel',
        description:
          'The funnel counts the contacts reached so far: targeted, held out, skipped (by reason), and of those queued how many were sent, delivered, read or failed, in all and per channel. A broadcast of 5,000 recipients or more may show counts a few seconds old (docs/broadcasts.md).',
        params: IdParams,
        response: replies(200, BroadcastView),
      },
    },
    async (req) => viewOf(store, await store.broadcasts.get(authOf(req).accountId, req.params.id), reuse),
  );

  app.patch(
    '/api/v1/broadcasts/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change a draft, or a scheduled broadcast that has not started',
        description:
          'Fields left out keep theirs; `content` replaces the whole content. `sendAt: null` sends it now; left out, it keeps its time (a time that has passed means now). `status: "scheduled"` sends a draft at its time, `"draft"` holds a scheduled one back. The result is checked as a new broadcast is (400 `invalid_broadcast`). One that started sending, was sent or was cancelled is a 409.',
        params: IdParams,
        body: BroadcastPatch,
        response: replies(200, BroadcastView),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const b = await store.broadcasts.get(accountId, req.params.id);
      if (!editable(b)) throw notEditable(b.status);
      const now = Date.now();
      const input = await preparedBroadcast(
        store,
        accountId,
        changedBody(b, req.body as BroadcastPatchInput, now),
        now,
      );
      const changed = await store.broadcasts.update(
        accountId,
        b.id,
        b.status as 'draft' | 'scheduled',
        input,
        now,
      );
      if (!changed) {
        // Sent, cancelled or claimed by a sender between the read and the write.
        const current = await store.broadcasts.get(accountId, b.id);
        throw notEditable(editable(current) ? 'sending' : current.status);
      }
      if (input.status === 'scheduled' && input.startAt <= now) senders.get(ctx)?.wake();
      return viewOf(store, changed, reuse);
    },
  );

  app.get(
    '/api/v1/broadcasts/:id/recipients',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: "A page of a broadcast's recipients in contact id order",
        description: 'Each with its arm, channel and state; pass `next` as `after` for the following page.',
        params: IdParams,
        querystring: BroadcastRecipientsQuery,
        response: replies(200, BroadcastRecipientsPage),
      },
    },
    async (req) => {
      const b = await store.broadcasts.get(authOf(req).accountId, req.params.id);
      const limit = req.query.limit ?? 100;
      const items = await store.broadcasts.recipients(b.id, { after: req.query.after, limit });
      return { items, next: items.length === limit ? items.at(-1)!.contactId : null };
    },
  );

  app.post(
    '/api/v1/broadcasts/:id/cancel',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Stop a broadcast that has not finished',
        description:
          'No contact is queued after this; messages queued already still go out. A finished one is a 409.',
        params: IdParams,
        response: replies(200, BroadcastView),
      },
    },
    async (req) =>
      viewOf(store, await store.broadcasts.cancel(authOf(req).accountId, req.params.id, Date.now()), reuse),
  );

  app.get(
    '/api/v1/account/sending',
    {
      ...readers,
      schema: {
        tags: ['account'],
        security,
        summary: "The account's broadcast guardrails: throughput per channel, quiet hours, frequency cap",
        response: replies(200, SendingSettings),
      },
    },
    async (req) => sendingSettingsView(store, authOf(req).accountId),
  );

  app.put(
    '/api/v1/account/sending',
    {
      ...admins,
      schema: {
        tags: ['account'],
        security,
        summary: "Change the account's broadcast guardrails; fields left out keep theirs",
        description:
          "Throughput is shared by every node: each message is booked a sending time. Quiet hours are in each contact's zone (else `timeZone`). `null` turns quiet hours or the frequency cap off.",
        body: SendingSettingsBody,
        response: replies(200, SendingSettings),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      await changeSendingSettings(store, accountId, req.body as SendingSettingsBodyInput, Date.now());
      return sendingSettingsView(store, accountId);
    },
  );

  app.get(
    `${LINK_PATH}:token`,
    { schema: { hide: true, params: Type.Object({ token: Type.String({ maxLength: 64 }) }) } },
    async (req, reply) => {
      // A HEAD (a link preview checking the address) leads on without counting as a click.
      const url = await store.broadcasts.click(tokenHash(req.params.token), Date.now(), req.method === 'GET');
      if (!url) return linkNotValid(reply);
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(new URL(url).href, 302);
    },
  );

  const opts = ctx.config.broadcasts;
  if (!opts.enabled) return;
  const sender = new BroadcastSender(
    {
      store,
      log: ctx.logger.child({ component: 'broadcasts' }),
      publicUrl: ctx.config.publicUrl,
      chooseSkill: async (accountId) => (await chatOf(ctx)?.visitors.chooseSkill(accountId, {})) ?? null,
      started: (accountId, conversation) =>
        chatOf(ctx)?.events.toAccount(accountId, { t: 'conversation.updated', conversation }),
      // The page's messages go out at once, not at the outbox's next poll.
      queued: () => store.messages.outboxQueued(),
    },
    opts,
  );
  senders.set(ctx, sender);
  sender.start();
  ctx.onShutdown(() => sender.stop());
}
