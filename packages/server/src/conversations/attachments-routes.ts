import { ATTACHMENT_TYPES, AttachmentUploaded, FILE_NAME_HEADER } from '@beckon/protocol/chat-attachments';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { errors, security } from '../web/responses.ts';
import { access } from '../web/route-access.ts';
import type { App } from '../web/types.ts';
import { isSupervisor, type StaffCaller } from './agent-chat-service.ts';
import type { OpenedAttachment, Uploader } from './attachments/attachment-service.ts';
import type { ChatModule } from './chat-module.ts';
import { header, visitorCors, visitorHooks } from './visitor-hooks.ts';
import { CHAT_TOKEN_HEADER } from './visitor-token.ts';

const STAFF = ['owner', 'admin', 'agent'] as const;
const CONSUMES = [...ATTACHMENT_TYPES];
const uploadErrors = { ...errors, 413: errors[400], 415: errors[400] };
const FileNameHeader = {
  [FILE_NAME_HEADER]: Type.Optional(
    Type.String({ maxLength: 1024, description: 'The file name (percent-encode non-ASCII)' }),
  ),
};

/** Sends stored bytes so that no browser runs or sniffs them: the stored type, nosniff, a sandbox CSP. */
function sendFile(reply: FastifyReply, { row, body }: OpenedAttachment, crossOrigin: boolean) {
  const inline = row.content_type.startsWith('image/');
  return reply
    .header('content-type', row.content_type)
    .header('content-length', String(row.size))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('content-disposition', contentDisposition(row.name, { type: inline ? 'inline' : 'attachment' }))
    .header('cache-control', 'private, max-age=3600')
    .header('cross-origin-resource-policy', crossOrigin ? 'cross-origin' : 'same-origin')
    .send(body);
}

const lengthOf = (req: FastifyRequest) => {
  const n = Number(header(req, 'content-length'));
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Attachments: the visitor (conversation token) and agents (session or API key) upload raw bytes
 * into a conversation, then send them by id; each side fetches them back at the URL its message
 * shapes carry. Uploads are admitted before their body is read (auth, open conversation, declared
 * type, size, rate), so a refused upload costs no bandwidth.
 */
export async function attachmentsRoutes(app: App, ctx: AppContext, chat: ChatModule): Promise<void> {
  const { store } = ctx;
  const files = chat.attachments;
  const visitor = visitorHooks(store, chat.visitors.seen);
  const staff = requireRole(store, STAFF);
  const uploaders = new WeakMap<FastifyRequest, Uploader>();
  const caller = (req: FastifyRequest): StaffCaller => {
    const a = authOf(req);
    return { accountId: a.accountId, role: a.role, ...(a.userId ? { userId: a.userId } : {}) };
  };

  const admitVisitor = async (req: FastifyRequest) => {
    const { accountId, conversation } = visitor.chatOf(req);
    const u: Uploader = { accountId, conversation, side: 'visitor', userId: null, address: req.ip };
    await files.admit(u, header(req, 'content-type'), lengthOf(req));
    uploaders.set(req, u);
  };
  const admitAgent = async (req: FastifyRequest) => {
    const c = caller(req);
    const conversation = await chat.agents.visible(c, (req.params as { id: string }).id);
    const holds = conversation.status === 'active' && conversation.assignedAgentId === c.userId;
    if (!holds && !isSupervisor(c) && conversation.status !== 'closed')
      throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
    const u: Uploader = {
      accountId: c.accountId,
      conversation,
      side: 'agent',
      userId: c.userId ?? null,
      address: req.ip,
    };
    await files.admit(u, header(req, 'content-type'), lengthOf(req));
    uploaders.set(req, u);
  };
  const upload = async (req: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const u = uploaders.get(req)!;
    const attachment = await files.upload(
      u,
      header(req, 'content-type'),
      header(req, FILE_NAME_HEADER),
      body,
    );
    return reply.code(201).send({ attachment });
  };

  // Upload routes live in their own context where every body is raw bytes, up to the limit.
  await app.register(async (raw: App) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: files.maxBytes }, (_req, body, done) =>
      done(null, body),
    );
    raw.post(
      '/api/v1/chat/attachments',
      {
        onRequest: [visitorCors, visitor.openChat, admitVisitor],
        bodyLimit: files.maxBytes,
        schema: {
          ...access('visitor'),
          tags: ['visitor chat'],
          summary: 'Upload an image or PDF (raw bytes with its Content-Type), then send it by id',
          consumes: CONSUMES,
          headers: Type.Object({
            [CHAT_TOKEN_HEADER]: Type.String({ description: 'The conversation token' }),
            ...FileNameHeader,
          }),
          response: { 201: AttachmentUploaded, ...uploadErrors },
        },
      },
      upload,
    );
    raw.post(
      '/api/v1/conversations/:id/attachments',
      {
        onRequest: [staff, admitAgent],
        bodyLimit: files.maxBytes,
        schema: {
          tags: ['conversations'],
          security,
          summary: 'Upload an image or PDF into a conversation you hold, then send it by id',
          consumes: CONSUMES,
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
          headers: Type.Object(FileNameHeader),
          response: { 201: AttachmentUploaded, ...uploadErrors },
        },
      },
      upload,
    );
  });

  const fileResponse = {
    200: Type.String({ description: 'The file', format: 'binary' }),
    404: errors[404],
  };
  const gone = () => new AppError(404, 'not_found', 'attachment not found');

  app.get(
    '/api/v1/chat/attachments/:id',
    {
      onRequest: visitorCors,
      schema: {
        ...access('visitor'),
        tags: ['visitor chat'],
        summary: 'A file of the visitor’s conversation, by the signed URL its message carries',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          exp: Type.Optional(Type.Integer({ minimum: 0 })),
          sig: Type.Optional(Type.String({ maxLength: 128 })),
        }),
        response: fileResponse,
      },
    },
    async (req, reply) => {
      // The signature is the credential: without a valid, unexpired one there is nothing here (404).
      const { exp, sig } = req.query;
      const opened =
        exp !== undefined && sig ? await files.openForVisitor(req.params.id, exp, sig) : undefined;
      if (!opened) throw gone();
      return sendFile(reply, opened, true);
    },
  );

  app.get(
    '/api/v1/conversations/:id/attachments/:attachmentId',
    {
      onRequest: staff,
      schema: {
        tags: ['conversations'],
        security,
        summary: 'A file of a conversation you may see',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          attachmentId: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        response: fileResponse,
      },
    },
    async (req, reply) => {
      const conversation = await chat.agents.readable(caller(req), req.params.id);
      const opened = await files.openForAgent(conversation.id, req.params.attachmentId);
      if (!opened) throw gone();
      return sendFile(reply, opened, false);
    },
  );
}
