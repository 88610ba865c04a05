import type { CallbackOutcome, CallbackView } from '@beckon/protocol/call-protocol';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { AgentChatService, StaffCaller } from '../conversations/agent-chat-service.ts';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import { newVisitorToken } from '../conversations/visitor-token.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CallbackRow } from '../store/callbacks-repo.ts';
import type { Store } from '../store/store.ts';

/** The furthest ahead a callback may be asked for (ms). */
const MAX_AHEAD_MS = 14 * 86_400_000;

export interface CallbackInput {
  phone: string;
  windowStart: string;
  windowEnd: string;
  topic?: string;
}

const time = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** A callback's day and hours (UTC) as `language` writes them; English keeps 2026-11-27 and 09:00. */
function windowIn(language: string | null, start: number, end: number) {
  if (!language || language === 'en')
    return { date: new Date(start).toISOString().slice(0, 10), from: time(start), to: time(end) };
  const day = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  const clock = new Intl.DateTimeFormat(language, { timeStyle: 'short', timeZone: 'UTC' });
  return { date: day.format(start), from: clock.format(start), to: clock.format(end) };
}

/** A callback as the console shows it. */
export function callbackView(r: CallbackRow): CallbackView {
  return {
    id: r.id,
    phone: r.phone,
    topic: r.topic,
    windowStart: new Date(Number(r.window_start)).toISOString(),
    windowEnd: new Date(Number(r.window_end)).toISOString(),
    status: r.status,
    outcome: r.outcome,
    attempts: Number(r.attempts),
    dueAt: new Date(Number(r.due_at)).toISOString(),
    taskConversationId: r.task_conversation_id,
  };
}

/**
 * Callbacks: a visitor leaves a phone number, a window and a topic; at the window's start the
 * callback becomes a conversation on the `voice` channel in the chat's skill queue, routed and
 * offered like any other. The agent dials from their own phone (a `tel:` link) and records how it
 * went; `rescheduled` puts it back for a new time. The clock is injectable (tests).
 */
export class CallbackScheduler {
  private readonly timer: NodeJS.Timeout;
  /** The pass running now: a tick waits for it, so two passes of one node never overlap. */
  private pass: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly agents: AgentChatService,
    private readonly route: (accountId: string) => void,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
    everyMs = 1000,
  ) {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Refuses a window that is upside down, over, or too far ahead (400 `bad_window`). */
  checkWindow(input: Pick<CallbackInput, 'windowStart' | 'windowEnd'>): { start: number; end: number } {
    const now = this.clock();
    const start = Date.parse(input.windowStart);
    const end = Date.parse(input.windowEnd);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
      throw badRequest('the window must end after it starts', 'bad_window');
    if (end <= now) throw badRequest('the window is over already', 'bad_window');
    if (start > now + MAX_AHEAD_MS)
      throw badRequest('a callback can be asked for up to 14 days ahead', 'bad_window');
    return { start, end };
  }

  /** The visitor of `chat` asks to be called back. */
  async request(accountId: string, chat: Conversation, input: CallbackInput): Promise<CallbackView> {
    const now = this.clock();
    const { start, end } = this.checkWindow(input);
    if (!chat.siteId) throw badRequest('this conversation has no site', 'bad_conversation');
    const row = await this.store.callbacks.create(
      {
        account_id: accountId,
        site_id: chat.siteId,
        conversation_id: chat.id,
        skill_id: chat.skillId,
        phone: input.phone.trim(),
        topic: input.topic?.trim() || null,
        window_start: start,
        window_end: end,
      },
      now,
    );
    await this.announcer.visitorLine(accountId, chat.id, 'callbackAsked', (language) => ({
      phone: row.phone,
      ...windowIn(language, start, end),
    }));
    return callbackView(row);
  }

  /** Puts every callback whose time has come in its skill's queue. */
  async tick(now = this.clock()): Promise<number> {
    while (this.pass) await this.pass;
    this.pass = this.run(now);
    try {
      return await this.pass;
    } finally {
      this.pass = null;
    }
  }

  private async run(now: number): Promise<number> {
    let n = 0;
    try {
      for (const due of await this.store.callbacks.due(now)) if (await this.enqueue(due, now)) n++;
    } catch (err) {
      this.log.warn({ err }, 'callback pass failed');
    }
    return n;
  }

  private async enqueue(cb: CallbackRow, now: number): Promise<boolean> {
    const chat = await this.store.conversations.get(cb.account_id, cb.conversation_id).catch(() => undefined);
    const id = `conv_cb_${cb.id.slice(3)}_${Number(cb.attempts) + 1}`;
    // The compare-and-set first: two nodes never queue one callback twice.
    const queued = await this.store.callbacks.change(cb.account_id, cb.id, 'scheduled', {
      status: 'queued',
      task_conversation_id: id,
      attempts: Number(cb.attempts) + 1,
    });
    if (!queued) return false;
    const task = await this.store.conversations.create(
      {
        id,
        accountId: cb.account_id,
        siteId: cb.site_id,
        visitorId: chat?.visitorId ?? null,
        channel: 'voice',
        // A campaign's callback button: the call is that exposure's, so a purchase after it counts for it.
        source: chat?.originExposureId ? 'button' : 'visitor',
        originExposureId: chat?.originExposureId ?? null,
        skillId: cb.skill_id,
        status: 'queued',
        visitorName: chat?.visitorName ?? null,
        visitorEmail: chat?.visitorEmail ?? null,
        topic: cb.topic ? `Callback: ${cb.topic}` : 'Callback',
        contactId: chat?.contactId ?? null,
        tokenHash: newVisitorToken().hash,
      },
      now,
    );
    const window = `${time(Number(cb.window_start))}–${time(Number(cb.window_end))} UTC`;
    await this.announcer.line(
      cb.account_id,
      task.id,
      `Call back ${cb.phone} (${window})${cb.topic ? `. Topic: ${cb.topic}` : ''}.`,
    );
    await this.announcer.updated(cb.account_id, await this.store.conversations.get(cb.account_id, task.id), {
      queue: true,
    });
    this.route(cb.account_id);
    return true;
  }

  /** The callback worked in a conversation, for the agent's console. */
  async forConversation(accountId: string, conversationId: string): Promise<CallbackView> {
    const cb = await this.store.callbacks.forTask(accountId, conversationId);
    if (!cb) throw notFound('callback');
    // The last call placed in the task: one that found the line busy or nobody there offers "No answer".
    const last = (await this.store.calls.ofConversation(accountId, conversationId)).at(-1);
    return { ...callbackView(cb), lastCall: last?.state === 'ended' ? (last.end_reason ?? null) : null };
  }

  /** The agent records how the callback went; the conversation closes with it as its disposition. */
  async outcome(
    caller: StaffCaller,
    id: string,
    outcome: CallbackOutcome,
    rescheduleAt?: string,
  ): Promise<CallbackView> {
    const cb = await this.store.callbacks.get(caller.accountId, id);
    if (!cb?.task_conversation_id) throw notFound('callback');
    if (cb.status !== 'queued')
      throw new AppError(409, 'callback_done', 'this callback has its outcome already');
    const at = rescheduleAt ? Date.parse(rescheduleAt) : Number.NaN;
    if (
      outcome === 'rescheduled' &&
      (!Number.isFinite(at) || at <= this.clock() || at > this.clock() + MAX_AHEAD_MS)
    )
      throw badRequest('a rescheduled callback needs a time in the next 14 days', 'bad_reschedule');
    // Closing checks that the caller holds the conversation (or supervises): only they record it.
    await this.agents.close(caller, cb.task_conversation_id, { disposition: `callback_${outcome}` });
    const done =
      outcome === 'rescheduled'
        ? await this.store.callbacks.change(caller.accountId, id, 'queued', {
            status: 'scheduled',
            outcome,
            due_at: at,
            task_conversation_id: null,
          })
        : await this.store.callbacks.change(caller.accountId, id, 'queued', { status: 'done', outcome });
    if (!done) throw new AppError(409, 'callback_done', 'this callback has its outcome already');
    return callbackView(done);
  }
}
