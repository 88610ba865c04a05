import type { ProactiveMessage } from '@beckon/protocol';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import { Counter, type Registry } from 'prom-client';
import { newVisitorToken } from '../conversations/visitor-token.ts';
import type { Logger } from '../logger.ts';
import type { ChannelConnection } from '../store/channel-connections-repo.ts';
import type { EventsWriterPort } from '../store/events-writer.ts';
import type { AppendItem, AppendResult } from '../store/messages-repo.ts';
import type { Store } from '../store/store.ts';
import { templateFor } from './channel-messages.ts';

/** A shown (non-control) `message` decision, handed over by the tracker. */
export interface ProactiveJob {
  accountId: string;
  siteId: string;
  visitorId: string;
  exposureId: string;
  campaignId: string;
  message: ProactiveMessage;
  at: number;
}

/** What became of one job (the `result` label of `beckon_proactive_messages_total`). */
export type ProactiveResult =
  | 'email'
  | 'app'
  | 'whatsapp'
  | 'sms'
  | 'push'
  | 'no_contact'
  | 'no_opt_in'
  | 'opted_out'
  | 'no_channel'
  | 'frequency_cap'
  | 'queue_full'
  | 'failed';

const RESULTS: ProactiveResult[] = [
  'email',
  'app',
  'whatsapp',
  'sms',
  'push',
  'no_contact',
  'no_opt_in',
  'opted_out',
  'no_channel',
  'frequency_cap',
  'queue_full',
  'failed',
];

export interface ProactiveDeps {
  store: Store;
  /** The tracker's writer: outcomes go after the exposure row it was handed, in order. */
  writer: Pick<EventsWriterPort, 'addOutcome'>;
  log: Logger;
  registry: Registry;
  /** The skill a conversation goes to when the customer answers (the chat module's chooser). */
  chooseSkill: (accountId: string) => Promise<string | null>;
  /** Appends a line through the node's message writer, so the agents' sockets see it. */
  append: (item: AppendItem) => Promise<AppendResult>;
  /**
   * Tells every node a campaign started a conversation with a contact: a node that remembers the
   * contact's earlier thread (channel ThreadCache) takes their reply to the new one.
   */
  started?: (accountId: string, conversation: Conversation) => void;
  /** Jobs waiting at most; beyond that a decision is dropped and its exposure counts as ignored. */
  maxQueue?: number;
}

/** The channel a message goes on, or why it goes nowhere. */
type Route =
  | { channel: 'app'; conversationId: string }
  | { channel: 'email' }
  | { channel: 'whatsapp' | 'sms'; connection: ChannelConnection }
  | { channel: 'push' }
  | { skip: ProactiveResult };

/**
 * Sends campaign messages to identified contacts, off the socket's event path: the tracker only
 * queues the decision (no I/O), and one worker finds the visitor's contact, checks consent, picks
 * the channel and stores the message as a conversation line. The exposure records the outcome:
 * `shown` once stored, `ignored` when there was no contact, no consent or no channel.
 *
 * An e-mail message starts a resolved conversation (closed by `campaign`), so no agent queue fills
 * with messages nobody answered; the customer's reply reopens it into its skill's queue. An app
 * message is a line in the contact's latest app conversation. Either line is a campaign's line
 * (`invitation`) whose echo id is the exposure id: the customer's answer finds its exposure by it.
 */
export class ProactiveMessages {
  private readonly queue: ProactiveJob[] = [];
  private running: Promise<void> | null = null;
  private readonly maxQueue: number;
  private readonly results: Counter<'result'>;

  constructor(private readonly d: ProactiveDeps) {
    this.maxQueue = d.maxQueue ?? 10_000;
    this.results = new Counter({
      name: 'beckon_proactive_messages_total',
      help: 'Campaign messages by result: stored on a channel (email, app), or not sent and why',
      labelNames: ['result'] as const,
      registers: [d.registry],
    });
    for (const r of RESULTS) this.results.inc({ result: r }, 0);
  }

  /** Queues a decision (no I/O). A full queue drops it: the exposure is ignored, and the metric says so. */
  enqueue(job: ProactiveJob): void {
    if (this.queue.length >= this.maxQueue) {
      this.finish(job, 'queue_full');
      return;
    }
    this.queue.push(job);
    this.running ??= this.drain();
  }

  /** Resolves when every queued job is handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // The batch that fired the campaign finishes first: the worker never runs inside the event path.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        const result = await this.handle(job).catch((err: unknown) => {
          this.d.log.error({ err, campaignId: job!.campaignId }, 'campaign message not stored');
          return 'failed' as const;
        });
        this.finish(job, result);
      }
    } finally {
      this.running = null;
    }
  }

  private finish(job: ProactiveJob, result: ProactiveResult): void {
    this.results.inc({ result });
    const shown =
      result === 'email' ||
      result === 'app' ||
      result === 'whatsapp' ||
      result === 'sms' ||
      result === 'push';
    this.d.writer.addOutcome({ id: job.exposureId, outcome: shown ? 'shown' : 'ignored', at: Date.now() });
  }

  private async handle(job: ProactiveJob): Promise<ProactiveResult> {
    const { store } = this.d;
    const contact = await store.contacts.ofVisitor(job.accountId, job.siteId, job.visitorId);
    if (!contact) return 'no_contact';
    const route = await this.route(job, contact);
    if ('skip' in route) return route.skip;
    // The account's frequency cap counts campaign messages with broadcasts', and holds for both.
    const booking = { contactId: contact.id, kind: 'campaign' as const, ref: job.exposureId };
    if (!(await store.contactMessages.bookOne(job.accountId, booking))) return 'frequency_cap';
    try {
      return await this.send(job, contact, route);
    } catch (err) {
      await store.contactMessages.cancel(booking).catch(() => undefined);
      throw err;
    }
  }

  private async send(
    job: ProactiveJob,
    contact: Contact,
    route: Exclude<Route, { skip: ProactiveResult }>,
  ): Promise<ProactiveResult> {
    const { store } = this.d;
    const line = { text: job.message.text, echoId: job.exposureId };
    if (route.channel === 'app') {
      const r = await this.d.append({
        accountId: job.accountId,
        conversationId: route.conversationId,
        sender: { kind: 'invitation', name: null },
        echoId: line.echoId,
        text: line.text,
      });
      if (!r.ok) throw r.error;
      return 'app';
    }
    if (route.channel === 'push') return this.push(job, contact);
    if (route.channel !== 'email') return this.phoneMessage(job, contact, route.channel, route.connection);
    await store.conversations.create({
      accountId: job.accountId,
      siteId: job.siteId,
      visitorId: job.visitorId,
      channel: 'email',
      source: 'invitation',
      originExposureId: job.exposureId,
      skillId: await this.d.chooseSkill(job.accountId),
      status: 'closed',
      closedBy: 'campaign',
      visitorName: contact.name,
      visitorEmail: contact.email,
      // The subject line of the mail, and of the thread in the inbox when the customer answers.
      topic: job.message.subject,
      contactId: contact.id,
      tokenHash: newVisitorToken().hash,
      invitation: { text: line.text, from: null, echoId: line.echoId },
    });
    return 'email';
  }

  /**
   * A WhatsApp template or an SMS: like a mail, a resolved conversation on the campaign's
   * connection holding the line, sent through the outbox; the customer's answer reopens it.
   */
  private async phoneMessage(
    job: ProactiveJob,
    contact: Contact,
    channel: 'whatsapp' | 'sms',
    conn: ChannelConnection,
  ): Promise<ProactiveResult> {
    const { store } = this.d;
    const m = job.message;
    const line =
      channel === 'whatsapp' && m.template ? await templateFor(store, conn, m.template, contact) : null;
    const started = await store.conversations.create({
      accountId: job.accountId,
      siteId: job.siteId,
      visitorId: job.visitorId,
      channel,
      source: 'invitation',
      originExposureId: job.exposureId,
      skillId: conn.defaultSkillId ?? (await this.d.chooseSkill(job.accountId)),
      status: 'closed',
      closedBy: 'campaign',
      visitorName: contact.name,
      topic: m.subject,
      contactId: contact.id,
      connectionId: conn.id,
      tokenHash: newVisitorToken().hash,
      invitation: {
        text: line?.text ?? m.text,
        from: null,
        echoId: job.exposureId,
        ...(line ? { outboxPayload: JSON.stringify({ template: line.template }) } : {}),
      },
    });
    this.d.started?.(job.accountId, started);
    return channel;
  }

  /**
   * A push: a resolved conversation in the site's app holding the line, which the outbox sends to
   * the user's devices (FCM, APNs, the site's webhook) with the exposure's id, so the app reports
   * the notification opened as the exposure accepted. The customer's answer in the app reopens it.
   */
  private async push(job: ProactiveJob, contact: Contact): Promise<ProactiveResult> {
    const { store } = this.d;
    const push = { title: job.message.subject, exposureId: job.exposureId, campaignId: job.campaignId };
    await store.conversations.create({
      accountId: job.accountId,
      siteId: job.siteId,
      visitorId: job.visitorId,
      channel: 'app',
      source: 'invitation',
      originExposureId: job.exposureId,
      skillId: await this.d.chooseSkill(job.accountId),
      status: 'closed',
      closedBy: 'campaign',
      visitorName: contact.name,
      topic: job.message.subject,
      contactId: contact.id,
      tokenHash: newVisitorToken().hash,
      invitation: {
        text: job.message.text,
        from: null,
        echoId: job.exposureId,
        outboxPayload: JSON.stringify({ push }),
      },
    });
    return 'push';
  }

  /**
   * `app` when the contact has an app conversation, else `email` when it has an address it has not
   * opted out of; `auto` tries them in that order. A contact who opted out of e-mail still gets an
   * app message: the opt-out is about mail.
   */
  private async route(job: ProactiveJob, contact: Contact): Promise<Route> {
    const wanted = job.message.channel;
    if (wanted === 'push') {
      // A registered device is the consent: a phone lets an app register only once the user
      // allowed its notifications, and unregistering withdraws it.
      const ok = await this.d.store.appPush.hasDevice(job.accountId, job.siteId, contact.id);
      return ok ? { channel: 'push' } : { skip: 'no_opt_in' };
    }
    if (wanted === 'whatsapp' || wanted === 'sms') {
      const { store } = this.d;
      const conn = job.message.connectionId
        ? await store.channelConnections.find(job.accountId, job.message.connectionId)
        : undefined;
      if (!conn || conn.type !== wanted || !contact.phone) return { skip: 'no_channel' };
      // Only to contacts who agreed to hear from us there; an SMS STOP wins over any opt-in.
      if (wanted === 'sms' && (await store.contacts.smsOptedOut(job.accountId, contact.id)))
        return { skip: 'opted_out' };
      if (!(await store.consents.has(job.accountId, contact.id, wanted))) return { skip: 'no_opt_in' };
      return { channel: wanted, connection: conn };
    }
    if (wanted !== 'email') {
      const { items } = await this.d.store.conversations.search(job.accountId, {
        contactId: contact.id,
        channel: 'app',
        limit: 1,
      });
      if (items[0]) return { channel: 'app', conversationId: items[0].id };
      if (wanted === 'app') return { skip: 'no_channel' };
    }
    if (!contact.email) return { skip: 'no_channel' };
    if (contact.emailOptOut) return { skip: 'opted_out' };
    return { channel: 'email' };
  }
}
