import { RecordingView } from '@beckon/protocol/call-protocol';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { CallRow } from '../store/calls-repo.ts';
import { RECORDING_TYPE } from '../voice/call-recorder.ts';
import { errors, IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import type { ChatModule } from './chat-module.ts';
import { header } from './visitor-hooks.ts';

const STAFF = ['owner', 'admin', 'agent'] as const;
const tags = ['voice'];
const Recorded = Type.Object({ recording: RecordingView });
const chunkErrors = { ...errors, 413: errors[400], 415: errors[400] };

/**
 * Call recordings. The agent on a recorded call uploads the audio in numbered chunks (raw
 * `audio/webm` bodies, admitted before they are read), then finishes it; whoever may read the
 * conversation lists its recordings and plays them at their attachment URL.
 */
export async function callRecordingsRoutes(app: App, ctx: AppContext, chat: ChatModule): Promise<void> {
  const recorder = chat.recorder;
  const staff = requireRole(ctx.store, STAFF);
  const admitted = new WeakMap<FastifyRequest, CallRow>();
  const admit = async (req: FastifyRequest) => {
    const a = authOf(req);
    const n = Number(header(req, 'content-length'));
    const call = await recorder.admit(
      a.accountId,
      a.userId,
      (req.params as { id: string }).id,
      header(req, 'content-type'),
      Number.isFinite(n) ? n : undefined,
    );
    admitted.set(req, call);
  };

  await app.register(async (raw: App) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: recorder.chunkMaxBytes },
      (_req, body, done) => done(null, body),
    );
    raw.post(
      '/api/v1/calls/:id/recording/chunks',
      {
        onRequest: [staff, admit],
        bodyLimit: recorder.chunkMaxBytes,
        schema: {
          tags,
          security,
          summary: 'Upload the next chunk of your call’s recording (raw audio/webm, numbered from 0)',
          consumes: [RECORDING_TYPE],
          params: IdParams,
          querystring: Type.Object({ seq: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }),
          response: { 200: Recorded, 201: Recorded, ...chunkErrors },
        },
      },
      async (req, reply) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const { recording, duplicate } = await recorder.chunk(admitted.get(req)!, req.query.seq, body);
        return reply.code(duplicate ? 200 : 201).send({ recording });
      },
    );
  });

  app.post(
    '/api/v1/calls/:id/recording/finish',
    {
      onRequest: staff,
      schema: {
        tags,
        security,
        summary: 'Finish your call’s recording: it becomes an attachment of the conversation',
        params: IdParams,
        response: replies(200, Recorded),
      },
    },
    async (req) => {
      const a = authOf(req);
      return { recording: await recorder.finish(a.accountId, a.userId, req.params.id) };
    },
  );

  app.get(
    '/api/v1/conversations/:id/recordings',
    {
      onRequest: staff,
      schema: {
        tags,
        security,
        summary: 'The call recordings of a conversation you may see',
        params: IdParams,
        response: replies(200, Type.Object({ items: Type.Array(RecordingView) })),
      },
    },
    async (req) => {
      const a = authOf(req);
      const caller = { accountId: a.accountId, role: a.role, ...(a.userId ? { userId: a.userId } : {}) };
      const conversation = await chat.agents.readable(caller, req.params.id);
      return { items: await recorder.list(a.accountId, conversation.id) };
    },
  );
}
