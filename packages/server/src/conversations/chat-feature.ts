import type { Message } from '@beckon/protocol/chat-api';
import type { AppContext } from '../context.ts';
import type { RateLimit } from '../engagement/engagement-config.ts';
import { engagementOf } from '../engagement/engagement-runtime.ts';
import { shownByTracker, trackedVisitorSignals } from '../engagement/visitor-signals.ts';
import { threadBusyShare } from '../ops/socket-turns.ts';
import { dialCallbacksOnAccept } from '../phone/callback-dialer.ts';
import { PhoneLines } from '../phone/phone-lines.ts';
import { phoneRoutes } from '../phone/phone-routes.ts';
import { voicemailKeeper } from '../phone/phone-voicemail.ts';
import { maskerOf } from '../privacy/message-masker.ts';
import { CallRecorder } from '../voice/call-recorder.ts';
import { CallService } from '../voice/call-service.ts';
import { CallSockets } from '../voice/call-sockets.ts';
import { CallMarks, CallSweeper } from '../voice/call-sweeper.ts';
import { CallbackScheduler } from '../voice/callbacks.ts';
import { voiceRoutes } from '../voice/voice-routes.ts';
import type { App } from '../web/types.ts';
import { AbandonedChats } from './abandoned-chats.ts';
import { AgentChatService } from './agent-chat-service.ts';
import { AgentConnection } from './agent-connection.ts';
import { AgentDepartures } from './agent-departures.ts';
import { AgentPresence } from './agent-presence.ts';
import { AttachmentService } from './attachments/attachment-service.ts';
import { LocalDiskStorage } from './attachments/attachment-storage.ts';
import { AttachmentUrls } from './attachments/attachment-urls.ts';
import { attachmentsRoutes } from './attachments-routes.ts';
import { BusRecovery } from './bus-recovery.ts';
import { callRecordingsRoutes } from './call-recordings-routes.ts';
import { cannedResponsesRoutes } from './canned-responses-routes.ts';
import { ChatAnnouncer } from './chat-announcer.ts';
import { ChatEvents, chatTopics } from './chat-events.ts';
import { type ChatLimits, KeyedLimiter, SocketCaps, StartLimiter } from './chat-limits.ts';
import { type ChatModule, setChat } from './chat-module.ts';
import { ConversationViewers } from './conversation-viewers.ts';
import { conversationsRoutes } from './conversations-routes.ts';
import { MentionService } from './mention-service.ts';
import { mentionsRoutes } from './mentions-routes.ts';
import { busyCommitGap, MessageWriter } from './message-writer.ts';
import { exposureOriginResolver, withVisitorSignals } from './origin-context.ts';
import { PresenceSet } from './presence-set.ts';
import { QueueFeed } from './queue-feed.ts';
import { ReadPositions } from './read-positions.ts';
import type { ReplyTranslation } from './reply-translation.ts';
import { Router } from './router.ts';
import { SessionSockets } from './session-sockets.ts';
import { SnoozeWaker } from './snoozes.ts';
import { CHAT_REFUSALS, type SocketLimits } from './socket-guard.ts';
import { UnseenReplyMailer } from './unseen-replies.ts';
import { visitorChatRoutes } from './visitor-chat-routes.ts';
import { VisitorChatService } from './visitor-chat-service.ts';
import { VisitorConnection } from './visitor-socket.ts';

/**
 * Conversations: the group-commit message writer, the router, the visitor (`/v1/chat`) and agent
 * (`/v1/agent`) sockets, and the REST API for both sides. Registered in `features.ts`.
 */
export async function chatFeature(app: App, ctx: AppContext): Promise<void> {
  const log = ctx.logger.child({ component: 'chat' });
  const { store, bus } = ctx;
  const events = new ChatEvents(bus, log);
  const lineListeners = new Set<(accountId: string, message: Message) => void>();
  const writer = new MessageWriter(
    store,
    (batch) => {
      for (const { result, origin, accountId } of batch) {
        events.toConversation(result.message.conversationId, {
          t: 'message.created',
          message: result.message,
          origin,
        });
        for (const listen of lineListeners) listen(accountId, result.message);
      }
    },
    log,
    busyCommitGap(ctx.config.messageCommitGapMs, ctx.config.messageBusyCommitGapMs, threadBusyShare),
    undefined,
    maskerOf(ctx),
  );
  const presence = new AgentPresence(bus, log, ctx.config.agentPresenceGraceMs);
  const announcer = new ChatAnnouncer(store, events, writer, log);
  const route = (accountId: string) => router.schedule(accountId);
  const agents = new AgentChatService(store, announcer, route);
  const departures = new AgentDepartures(presence, agents, log);
  // Campaign priority and skill from the accepted exposure; value (cart total) and score from the live visitor.
  const { tracker } = engagementOf(ctx);
  const origin = withVisitorSignals(
    exposureOriginResolver(store, shownByTracker(tracker)),
    trackedVisitorSignals(tracker, store),
  );
  const starts = new StartLimiter(ctx.config.chatLimits, (scope) =>
    ctx.metrics.chatRateLimited.inc({ action: 'start', scope }),
  );
  const here = new PresenceSet(bus, log, {
    setOf: chatTopics.visitors,
    // A visitor's mark runs out with its TTL after their last socket: a page change costs nothing.
    ttlMs: ctx.config.visitorAwayMs,
  });
  const visitors = new VisitorChatService(
    store,
    announcer,
    presence,
    route,
    origin,
    starts,
    here,
    (a, text) => maskerOf(ctx).mask(a, text),
  );
  const router: Router = new Router(
    store,
    bus,
    presence,
    here,
    announcer,
    () => agents,
    log.child({ part: 'router' }),
    { declineCooldownMs: ctx.config.declineCooldownMs },
  );
  const abandoned = new AbandonedChats(
    store,
    here,
    (accountId, id) => visitors.leftSite(accountId, id),
    ctx.config.abandonMs,
    log.child({ part: 'abandoned-chats' }),
  );
  const queues = new QueueFeed(store, events, log);
  const storage = new LocalDiskStorage(ctx.config.dataDir);
  const attachments = new AttachmentService(
    store,
    storage,
    await AttachmentUrls.load(store, () => ctx.config.publicUrl),
    ctx.config.chatLimits,
    ctx.config.attachmentMaxBytes,
    ctx.metrics,
    log.child({ part: 'attachments' }),
  );
  const reads = new ReadPositions(store, events, log);
  // When the bus comes back after an outage, sockets and queues catch up from the store.
  const recovery = new BusRecovery(bus, log.child({ part: 'bus-recovery' }));
  recovery.add(queues);
  // A console socket closes when the session it was opened under ends, on whichever node.
  const sessions = new SessionSockets(bus, log.child({ part: 'session-sockets' }));
  await sessions.ready();
  const snoozes = new SnoozeWaker(store, announcer, log.child({ part: 'snoozes' }));
  const unseenReplies = new UnseenReplyMailer(
    store,
    log.child({ part: 'unseen-replies' }),
    ctx.config.unseenReplyMs,
  );
  const voiceLog = ctx.logger.child({ component: 'voice' });
  const calls = new CallService(store, announcer, presence, agents, route, ctx.config.voice, voiceLog);
  const callMarks = new CallMarks(bus, voiceLog, ctx.config.voice.reconnectMs);
  const callSweeper = new CallSweeper(store, calls, callMarks, ctx.config.voice.reconnectMs, voiceLog);
  const callbacks = new CallbackScheduler(store, announcer, agents, route, voiceLog);
  const voice = new CallSockets(store, calls, callMarks, callbacks, voiceLog);
  const phone = new PhoneLines(
    store,
    calls,
    callMarks,
    announcer,
    ctx.egress,
    ctx.config.phone,
    ctx.logger.child({ component: 'phone' }),
    (direction, outcome) => ctx.metrics.phoneCalls.inc({ direction, outcome }),
    (outcome) => ctx.metrics.phoneRegistrations.inc({ outcome }),
    (outcome) => ctx.metrics.phoneMenu.inc({ outcome }),
    voicemailKeeper(store, storage, writer),
  );
  calls.phone = phone;
  calls.countTransfer = (kind, outcome) => ctx.metrics.phoneTransfers.inc({ kind, outcome });
  dialCallbacksOnAccept(agents, store, phone, ctx.logger.child({ component: 'phone' }));
  const recorder = new CallRecorder(store, storage, announcer, writer, ctx.config.voice, voiceLog);
  const mentions = new MentionService(
    store,
    agents,
    events,
    presence,
    log.child({ part: 'mentions' }),
    ctx.config.publicUrl,
  );
  lineListeners.add((accountId, message) => void mentions.committed(accountId, message));
  const viewers = new ConversationViewers(bus, log.child({ part: 'viewers' }), events);
  const replyTranslation: ReplyTranslation = {};
  const chat: ChatModule = {
    replyTranslation,
    mentions,
    events,
    writer,
    presence,
    announcer,
    visitors,
    agents,
    router,
    queues,
    attachments,
    reads,
    recovery,
    snoozes,
    unseenReplies,
    calls,
    callSweeper,
    callbacks,
    phone,
    lineListeners,
    recorder,
  };
  setChat(ctx, chat);

  const limits = ctx.config.chatLimits;
  const visitorLimits = socketLimits(
    ctx,
    'chat',
    limits.framesPerSocket,
    limits.framesPerAddress,
    limits.chatSockets,
  );
  const agentLimits = socketLimits(
    ctx,
    'agent',
    limits.agentFramesPerSocket,
    limits.agentFramesPerUser,
    limits.agentSockets,
  );
  ctx.ws.route('/v1/chat', 'chat', (ws, req) => {
    new VisitorConnection(ws, req, {
      store,
      attachments,
      visitors,
      events,
      writer,
      queues,
      reads,
      recovery,
      limits: visitorLimits,
      log,
      voice,
    });
  });
  ctx.ws.route('/v1/agent', 'agent', (ws, req) => {
    new AgentConnection(ws, req, {
      store,
      config: ctx.config,
      agents,
      events,
      writer,
      mentions,
      replyTranslation,
      viewers,
      presence,
      departures,
      queues,
      reads,
      route,
      recovery,
      sessions,
      limits: agentLimits,
      log,
      voice,
    });
  });
  conversationsRoutes(app, ctx, chat);
  visitorChatRoutes(app, ctx, chat);
  await attachmentsRoutes(app, ctx, chat);
  cannedResponsesRoutes(app, ctx);
  mentionsRoutes(app, ctx);
  voiceRoutes(app, ctx, callbacks);
  phoneRoutes(app, ctx, chat);
  await callRecordingsRoutes(app, ctx, chat);

  router.start();
  snoozes.start();
  // A gateway that is down does not stop the node: its trunks show why, and calls wait for it.
  phone
    .start()
    .catch((err) => ctx.logger.child({ component: 'phone' }).error({ err }, 'phone gateway not reached'));
  unseenReplies.start();
  // Uploads never sent (a closed tab, a changed mind) are removed after a day.
  const sweep = setInterval(() => {
    attachments.sweepUnsent().catch((err) => log.warn({ err }, 'attachment sweep failed'));
  }, 3600_000);
  sweep.unref();
  // Recordings whose console went away mid-call become attachments once the call is over.
  const recordingSweep = setInterval(() => {
    recorder.sweep().catch((err) => voiceLog.warn({ err }, 'recording sweep failed'));
  }, 30_000);
  recordingSweep.unref();
  ctx.onShutdown(async () => {
    clearInterval(sweep);
    clearInterval(recordingSweep);
    snoozes.stop();
    unseenReplies.stop();
    calls.stop();
    await phone.stop();
    viewers.stop();
    callSweeper.stop();
    callbacks.stop();
    callMarks.stop();
    recovery.stop();
    await sessions.stop();
    // A stopping node's agents are moving to another node: their grace waits end now without
    // handing their offers back, and departures still running finish while the store is open.
    presence.stop();
    await departures.drained();
    await router.stop();
    queues.stop();
    here.stop();
    abandoned.stop();
    await writer.drained();
    await reads.drained();
  });
}

/** The frame limits and pings of one socket endpoint, its refusals counted in `beckon_ws_rejected_total`. */
function socketLimits(
  ctx: AppContext,
  endpoint: 'chat' | 'agent',
  frames: RateLimit,
  shared: RateLimit,
  sockets: ChatLimits['chatSockets'],
): SocketLimits {
  const rejected = ctx.metrics.wsRejected;
  // Every reason appears from the start (at 0), so dashboards and alerts see the full set.
  for (const reason of CHAT_REFUSALS) rejected.inc({ endpoint, reason }, 0);
  return {
    frames,
    shared: new KeyedLimiter(shared),
    typing: ctx.config.chatLimits.typing,
    sockets: { perAddress: new SocketCaps(sockets.perAddress), perOwner: new SocketCaps(sockets.perOwner) },
    // The tag socket's heartbeat: one timer pings every socket of the node, at one interval.
    heartbeat: engagementOf(ctx).heartbeat,
    count: (reason) => rejected.inc({ endpoint, reason }),
  };
}
