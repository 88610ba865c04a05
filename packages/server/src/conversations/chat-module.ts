import type { Message } from '@beckon/protocol/chat-api';
import type { AppContext } from '../context.ts';
import type { PhoneLines } from '../phone/phone-lines.ts';
import type { CallRecorder } from '../voice/call-recorder.ts';
import type { CallService } from '../voice/call-service.ts';
import type { CallSweeper } from '../voice/call-sweeper.ts';
import type { CallbackScheduler } from '../voice/callbacks.ts';
import type { AgentChatService } from './agent-chat-service.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { AttachmentService } from './attachments/attachment-service.ts';
import type { BusRecovery } from './bus-recovery.ts';
import type { ChatAnnouncer } from './chat-announcer.ts';
import type { ChatEvents } from './chat-events.ts';
import type { MentionService } from './mention-service.ts';
import type { MessageWriter } from './message-writer.ts';
import type { QueueFeed } from './queue-feed.ts';
import type { ReadPositions } from './read-positions.ts';
import type { ReplyTranslation } from './reply-translation.ts';
import type { Router } from './router.ts';
import type { SnoozeWaker } from './snoozes.ts';
import type { UnseenReplyMailer } from './unseen-replies.ts';
import type { VisitorChatService } from './visitor-chat-service.ts';

/** The conversation services of one node. */
export interface ChatModule {
  /** The phone gateway's lines (docs/phone.md). */
  phone: PhoneLines;
  events: ChatEvents;
  writer: MessageWriter;
  /** `@Name` in internal notes: checked before a note is stored, announced after. */
  mentions: MentionService;
  presence: AgentPresence;
  announcer: ChatAnnouncer;
  visitors: VisitorChatService;
  agents: AgentChatService;
  router: Router;
  queues: QueueFeed;
  attachments: AttachmentService;
  reads: ReadPositions;
  recovery: BusRecovery;
  snoozes: SnoozeWaker;
  /** Mails customers the replies they did not see (once the e-mail channel gives it a notifier). */
  unseenReplies: UnseenReplyMailer;
  /** Voice calls in conversations. */
  calls: CallService;
  callSweeper: CallSweeper;
  /** Callbacks visitors asked for: queued as conversations at their time. */
  callbacks: CallbackScheduler;
  /** Told of every committed line after it is published (bots listen for visitors' lines). */
  lineListeners: Set<(accountId: string, message: Message) => void>;
  recorder: CallRecorder;
  /** Replies sent in the customer's language: assist installs the translator. */
  replyTranslation: ReplyTranslation;
}

const modules = new WeakMap<AppContext, ChatModule>();

/** The chat services of a node (e.g. for the engagement runtime to install an origin resolver). */
export function chatOf(ctx: AppContext): ChatModule | undefined {
  return modules.get(ctx);
}

/** Records a node's chat services (`chatFeature` does, once). */
export function setChat(ctx: AppContext, chat: ChatModule): void {
  modules.set(ctx, chat);
}
