import { Counter } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { LocalDiskStorage } from '../../conversations/attachments/attachment-storage.ts';
import type { ChatModule } from '../../conversations/chat-module.ts';
import { maskerOf } from '../../privacy/message-masker.ts';
import type { App } from '../../web/types.ts';
import type { ChannelsModule } from '../channels-module.ts';
import { conversationLink } from './conversation-link.ts';
import { EmailChannel } from './email-channel.ts';
import { EmailIntake } from './email-intake.ts';
import { emailRoutes } from './email-routes.ts';
import { DROP_REASONS } from './loop-guard.ts';
import { MailThread } from './mail-thread.ts';
import { Mailer, type MailSender } from './mailer.ts';
import { ThreadNames } from './reply-token.ts';
import type { SmtpOutcome } from './smtp-listener.ts';
import { TranscriptMail } from './transcript-mail.ts';
import { UnseenReplyMail } from './unseen-reply-mail.ts';
import { unsubscribeUrl } from './unsubscribe.ts';
import { unsubscribeRoutes } from './unsubscribe-routes.ts';

/** The e-mail channel of one node. */
export interface EmailModule {
  intake: EmailIntake;
  channel: EmailChannel;
  transcripts: TranscriptMail;
  names: ThreadNames;
  /** Where raw mails are kept (beside the chat attachments). */
  raw: LocalDiskStorage;
  /** The SMTP listener's port, or null when it is off. */
  smtpPort: number | null;
  /** Outgoing mail (staff notices from automation rules use it too), and its sender address. */
  mailer: MailSender;
  from: string;
}

const modules = new WeakMap<AppContext, EmailModule>();

/** The e-mail channel of a node. */
export function emailOf(ctx: AppContext): EmailModule {
  const m = modules.get(ctx);
  if (!m) throw new Error('the e-mail channel is not registered');
  return m;
}

const OUTCOMES: readonly SmtpOutcome[] = ['stored', 'duplicate', 'dropped', 'rejected', 'deferred'];

/**
 * The e-mail channel: registers `EmailChannel` for replies, starts the SMTP listener when
 * `BECKON_SMTP_PORT` is set, and adds its routes (the inbound webhook, addresses, transcripts).
 */
export async function emailFeature(app: App, ctx: AppContext, chat: ChatModule, channels: ChannelsModule) {
  const config = ctx.config.email;
  const log = ctx.logger.child({ component: 'email' });
  const registers = [ctx.metrics.registry];
  const received = new Counter({
    name: 'beckon_email_received_total',
    help: 'Mails the SMTP listener answered, by outcome (stored, duplicate, dropped, rejected, deferred)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const dropped = new Counter({
    name: 'beckon_email_dropped_total',
    help: 'Mails accepted but not stored because answering them could loop, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const outcome of OUTCOMES) received.inc({ outcome }, 0);
  for (const reason of DROP_REASONS) dropped.inc({ reason }, 0);

  const names = await ThreadNames.load(ctx.store, config.domain);
  // Composed and sent on a thread of its own unless `BECKON_MAIL_THREAD=0`.
  const mailer: MailSender = config.mailThread
    ? new MailThread(config.relayUrl)
    : new Mailer(config.relayUrl);
  // Raw mails live under the attachments root, one directory per account, like the files they carry.
  const raw = new LocalDiskStorage(ctx.config.dataDir);
  const intake = new EmailIntake(
    ctx.store,
    channels.inbox,
    chat.attachments,
    raw,
    chat.announcer,
    config,
    dropped,
    log,
    (accountId, text) => maskerOf(ctx).mask(accountId, text),
  );
  const unsubscribe = (accountId: string, contactId: string) =>
    unsubscribeUrl(ctx.config.publicUrl, names, accountId, contactId);
  const channel = new EmailChannel(
    ctx.store,
    mailer,
    names,
    config.from,
    async (conversationId, attachmentId) =>
      (await chat.attachments.openForAgent(conversationId, attachmentId))?.body,
    ctx.config.attachmentMaxBytes,
    unsubscribe,
  );
  channels.registry.register(channel);
  const transcripts = new TranscriptMail(
    ctx.store,
    chat.announcer,
    mailer,
    names,
    config.from,
    config.autoPerHour,
  );

  // Replies a customer did not see in the chat go to their address (when a mail relay is set).
  const unseen = new UnseenReplyMail(
    ctx.store,
    mailer,
    names,
    config.from,
    (n) => conversationLink(ctx.store, n.accountId, n.conversation),
    unsubscribe,
  );
  if (unseen.configured) chat.unseenReplies.notifier = (n) => unseen.send(n);
  // Colleagues named in a note while away get it by mail.
  if (mailer.configured)
    chat.mentions.mail = (to, subject, text) =>
      mailer.send({ from: config.from, to, subject, text, headers: { 'Auto-Submitted': 'auto-generated' } });

  let smtpPort: number | null = null;
  if (config.smtpPort !== null) {
    // smtp-server loads only where the listener runs: a node without one skips its modules.
    const { SmtpListener } = await import('./smtp-listener.ts');
    const listener = new SmtpListener(config, intake, (outcome) => received.inc({ outcome }), log);
    smtpPort = await listener.listen();
    log.info({ port: smtpPort, domain: config.domain }, 'smtp listener started');
    ctx.onShutdown(() => listener.close());
  }
  ctx.onShutdown(() => mailer.close());
  const module: EmailModule = {
    intake,
    channel,
    transcripts,
    names,
    raw,
    smtpPort,
    mailer,
    from: config.from,
  };
  modules.set(ctx, module);
  emailRoutes(app, ctx, chat, module);
  unsubscribeRoutes(app, ctx, names);
}
