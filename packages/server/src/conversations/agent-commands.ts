import type { AgentClientFrame } from '@beckon/protocol/chat-protocol';
import { notFound } from '../errors.ts';
import type { AgentConnection } from './agent-connection.ts';
import { errorFrame, sendFrame } from './chat-socket.ts';
import { cleanText } from './visitor-chat-service.ts';

/** Runs one validated frame from an agent socket; every failure becomes an `error` frame, never a crash. */
export function runAgentCommand(conn: AgentConnection, f: AgentClientFrame): void {
  const { agents, writer, log } = conn.deps;
  const ref = 'ref' in f ? f.ref : undefined;
  const conversationId = 'conversationId' in f ? f.conversationId : undefined;
  const fail = (err: unknown, extra: { echoId?: string } = {}) =>
    sendFrame(
      conn.ws,
      errorFrame(err, log, {
        ...extra,
        ...(ref ? { ref } : {}),
        ...(conversationId ? { conversationId } : {}),
      }),
    );
  const done = () => {
    if (ref) sendFrame(conn.ws, { type: 'done', ref });
  };
  const run = (work: Promise<unknown>) => work.then(done, (err) => fail(err));

  switch (f.type) {
    case 'send': {
      const kind = f.note ? ('note' as const) : ('agent' as const);
      writer
        .append(
          {
            accountId: conn.caller.accountId,
            conversationId: f.conversationId,
            sender: { kind, agentId: conn.user.id, name: conn.user.name, supervisor: conn.supervisor },
            echoId: f.echoId,
            afterSeq: f.afterSeq,
            text: cleanText(f.text),
            attachmentIds: f.attachmentIds,
          },
          conn.id,
        )
        .then((r) => {
          if (!r.ok) return fail(r.error, { echoId: f.echoId });
          sendFrame(conn.ws, {
            type: 'ack',
            echoId: f.echoId,
            conversationId: f.conversationId,
            seq: r.message.seq,
            createdAt: r.message.createdAt,
            duplicate: r.duplicate,
          });
        }, fail);
      return;
    }
    case 'status':
      return void run(agents.setStatus(conn.caller.accountId, conn.user.id, f.status));
    case 'accept':
      return void run(agents.accept(conn.caller, f.conversationId));
    case 'decline':
      return void run(agents.decline(conn.caller, f.conversationId));
    case 'transfer':
      return void run(
        agents.transfer(conn.caller, f.conversationId, {
          ...(f.agentId ? { agentId: f.agentId } : {}),
          ...(f.skillId ? { skillId: f.skillId } : {}),
          ...(f.note ? { note: f.note } : {}),
        }),
      );
    case 'close':
      return void run(
        agents.close(conn.caller, f.conversationId, {
          ...(f.disposition ? { disposition: f.disposition } : {}),
          ...(f.tags ? { tags: f.tags } : {}),
        }),
      );
    case 'resume':
    case 'watch':
      return void run(
        (async () => {
          const afterSeq = f.afterSeq ?? 0;
          if (conn.following(f.conversationId)) return conn.open(f.conversationId, 'watch', afterSeq, true);
          const c = await agents.visible(conn.caller, f.conversationId);
          const mode = c.status === 'active' && c.assignedAgentId === conn.user.id ? 'assigned' : 'watch';
          // `c` as read before listening: a change made in between is shown once listening.
          await conn.open(f.conversationId, mode, afterSeq, true, c);
        })(),
      );
    case 'unwatch': {
      const s = conn.following(f.conversationId);
      if (s?.mode === 'watch') conn.drop(f.conversationId);
      return;
    }
    case 'typing':
    case 'read': {
      const s = conn.following(f.conversationId);
      if (!s) {
        fail(notFound('conversation'));
        return;
      }
      if (f.type === 'read') {
        // Only the agent who holds the chat reads for the agent side ("Seen" for the visitor).
        if (s.mode === 'assigned')
          conn.deps.reads.mark(conn.caller.accountId, f.conversationId, 'agent', f.seq, conn.id);
        return;
      }
      conn.typing.push(f.conversationId, f.typing);
      return;
    }
    case 'ping':
      sendFrame(conn.ws, { type: 'pong' });
      return;
  }
}
