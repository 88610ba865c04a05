import type { Role } from '@beckon/protocol/api';
import { ErrorBody } from '@beckon/protocol/api';
import { SendResult } from '@beckon/protocol/chat-api';
import {
  type TemplateHeaderMedia,
  TemplateSendInput,
  TemplateSyncInput,
  WhatsAppTemplates,
  WhatsAppWindow,
} from '@beckon/protocol/whatsapp-templates';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { isSupervisor } from '../../conversations/agent-chat-service.ts';
import type { ChatModule } from '../../conversations/chat-module.ts';
import { staffCaller } from '../../conversations/conversations-routes.ts';
import { AppError, notFound } from '../../errors.ts';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import { IdParams, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';
import { ChannelSendError } from '../channel.ts';
import { SERVICE_WINDOW_MS, windowOpen } from '../whatsapp/whatsapp-channel.ts';
import type { WhatsAppConnector } from '../whatsapp/whatsapp-connector.ts';
import { type HeaderInput, templateMessage, templateView } from '../whatsapp/whatsapp-templates.ts';

const STAFF: readonly Role[] = ['owner', 'admin', 'agent'];

/** The uploads each media header takes: WhatsApp shows JPEG and PNG images, and PDF documents. */
const HEADER_TYPES: Record<string, readonly string[]> = {
  IMAGE: ['image/jpeg', 'image/png'],
  DOCUMENT: ['application/pdf'],
};

/**
 * WhatsApp message templates: a connection's templates as last read from Meta (staff), reading
 * them again (admins), a conversation's service window with what may be sent in it, and sending
 * an approved template on a conversation — a line agents read as the rendered text, sent through
 * the outbox as the template.
 */
export function whatsappTemplatesRoutes(
  app: App,
  ctx: AppContext,
  chat: ChatModule,
  connector: WhatsAppConnector,
): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, STAFF) };
  const admins = { onRequest: requireRole(store, ADMINS) };

  const whatsappOf = async (accountId: string, id: string): Promise<ChannelConnection> => {
    const conn = await store.channelConnections.find(accountId, id);
    if (!conn) throw notFound('channel');
    if (conn.type !== 'whatsapp')
      throw new AppError(
        400,
        'not_whatsapp',
        `${conn.name} is not a WhatsApp connection: it has no templates`,
      );
    return conn;
  };
  const listOf = async (conn: ChannelConnection) => {
    const stored = await store.whatsappTemplates.list(conn.accountId, conn.id);
    const at = stored.reduce((max, t) => Math.max(max, t.syncedAt), 0);
    return {
      items: stored.map(templateView),
      syncedAt: at > 0 ? new Date(at).toISOString() : null,
    };
  };

  app.get(
    '/api/v1/channels/:id/templates',
    {
      ...staff,
      schema: {
        tags: ['channels'],
        security,
        summary: "A WhatsApp connection's message templates as last read from Meta, with their status",
        params: IdParams,
        response: replies(200, WhatsAppTemplates),
      },
    },
    async (req) => listOf(await whatsappOf(authOf(req).accountId, req.params.id)),
  );

  app.post(
    '/api/v1/channels/:id/templates/sync',
    {
      ...admins,
      // The body is optional: a bare POST syncs with the stored id.
      preValidation: async (req) => {
        req.body ??= {};
      },
      schema: {
        tags: ['channels'],
        security,
        summary:
          "Read a WhatsApp connection's templates from Meta again (after one is approved in WhatsApp Manager); `wabaId` adds the Business Account id to a connection made without it",
        params: IdParams,
        body: TemplateSyncInput,
        response: { ...replies(200, WhatsAppTemplates), 502: ErrorBody },
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      let conn = await whatsappOf(accountId, req.params.id);
      const wabaId = req.body?.wabaId;
      if (wabaId && wabaId !== conn.config.wabaId)
        conn = await store.channelConnections.updateConfig(accountId, conn.id, { wabaId });
      try {
        await connector.syncTemplates(conn);
      } catch (err) {
        if (!(err instanceof ChannelSendError)) throw err;
        throw new AppError(502, 'provider_refused', `Meta did not list the templates: ${err.reason}`);
      }
      return listOf(conn);
    },
  );

  /** A WhatsApp conversation the caller may see, with the connection its replies leave by. */
  const conversationOf = async (req: Parameters<typeof staffCaller>[0], id: string) => {
    const c = staffCaller(req);
    const conversation = await chat.agents.visible(c, id);
    if (conversation.channel !== 'whatsapp')
      throw new AppError(400, 'not_whatsapp', 'templates are sent on WhatsApp conversations only');
    const conn = await store.channelConnections.forReply(c.accountId, conversation.id, 'whatsapp');
    return { c, conversation, conn };
  };

  /**
   * A header's media as Meta fetches it: a link as given, or an agent's upload to this
   * conversation (not sent yet, of a type the header takes) as a signed link of ours.
   */
  const headerMediaOf = async (
    conversationId: string,
    format: string,
    m: TemplateHeaderMedia,
  ): Promise<{ link: string; filename?: string; label?: string }> => {
    if (!m.link === !m.attachmentId)
      throw new AppError(400, 'invalid_request', '/headerMedia: give either link or attachmentId');
    if (m.link) return { link: m.link, ...(m.filename ? { filename: m.filename } : {}) };
    const a = await store.attachments.find(conversationId, m.attachmentId!);
    if (a?.side !== 'agent' || a.message_seq !== null)
      throw new AppError(
        400,
        'invalid_attachment',
        '/headerMedia/attachmentId: upload the file to this conversation first (each file goes once)',
      );
    const takes = HEADER_TYPES[format];
    if (takes && !takes.includes(a.content_type))
      throw new AppError(
        400,
        'invalid_attachment',
        `/headerMedia/attachmentId: a ${format.toLowerCase()} header takes ${takes.join(' or ')}, not ${a.content_type}`,
      );
    if (format === 'VIDEO')
      throw new AppError(
        400,
        'invalid_attachment',
        '/headerMedia: a video header takes a link (videos are not uploaded here)',
      );
    return {
      link: chat.attachments.urls.visitorUrl(conversationId, a.id),
      filename: m.filename ?? a.name,
      label: a.name,
    };
  };

  app.get(
    '/api/v1/conversations/:id/whatsapp',
    {
      ...staff,
      schema: {
        tags: ['conversations'],
        security,
        summary:
          "A WhatsApp conversation's 24-hour window (free text until it closes) and the approved templates to send after",
        params: IdParams,
        response: replies(200, WhatsAppWindow),
      },
    },
    async (req) => {
      const { c, conversation, conn } = await conversationOf(req, req.params.id);
      const last = await store.channelConnections.lastInboundAt(c.accountId, conversation.id);
      const templates = conn ? (await listOf(conn)).items.filter((t) => t.status === 'APPROVED') : [];
      return {
        channelId: conn?.id ?? null,
        windowClosesAt: windowOpen(last) ? new Date(last! + SERVICE_WINDOW_MS).toISOString() : null,
        templates,
      };
    },
  );

  app.post(
    '/api/v1/conversations/:id/messages/template',
    {
      ...staff,
      schema: {
        tags: ['conversations'],
        security,
        summary:
          'Send an approved WhatsApp template with its variables filled (any time, in the window or not; idempotent on echoId)',
        params: IdParams,
        body: TemplateSendInput,
        response: { ...replies(201, SendResult), 200: SendResult },
      },
    },
    async (req, reply) => {
      const { c, conversation, conn } = await conversationOf(req, req.params.id);
      if (!conn)
        throw new AppError(409, 'channel_missing', 'the WhatsApp number of this conversation is gone');
      const stored = await store.whatsappTemplates.find(
        c.accountId,
        conn.id,
        req.body.name,
        req.body.language,
      );
      if (!stored)
        throw new AppError(
          404,
          'template_not_found',
          `no template ${req.body.name} (${req.body.language}) on ${conn.name}: sync the templates`,
        );
      const view = templateView(stored);
      const { headerMedia, headerLocation } = req.body;
      if (headerMedia && headerLocation)
        throw new AppError(400, 'invalid_request', '/headerMedia: give the media or the location, not both');
      let header: HeaderInput | undefined;
      let attachmentIds: string[] | undefined;
      if (headerLocation) header = { location: headerLocation };
      else if (headerMedia) {
        const media = await headerMediaOf(conversation.id, view.header?.format ?? 'TEXT', headerMedia);
        header = { media };
        if (headerMedia.attachmentId) attachmentIds = [headerMedia.attachmentId];
      }
      const { text, template } = templateMessage(view, req.body.values, header);
      const user = await chat.agents.profile(c);
      const r = await chat.writer.append({
        accountId: c.accountId,
        conversationId: conversation.id,
        sender: { kind: 'agent', agentId: user.id, name: user.name, supervisor: isSupervisor(c) },
        echoId: req.body.echoId,
        afterSeq: req.body.afterSeq,
        text,
        ...(attachmentIds ? { attachmentIds } : {}),
        outboxPayload: JSON.stringify({ template }),
      });
      if (!r.ok) throw r.error;
      return reply.code(r.duplicate ? 200 : 201).send({ message: r.message, duplicate: r.duplicate });
    },
  );
}
