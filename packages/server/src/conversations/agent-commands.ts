import { type Conversation, TIMELINE_ECHO_PREFIX } from '@beckon/protocol/chat-api';
import type { AgentClientFrame } from '@beckon/protocol/chat-protocol';
import { badRequest, notFound } from '../errors.ts';
import type { AppendItem, AppendResult } from '../store/messages-repo.ts';
import { isCallFrame } from '../voice/call-sockets.ts';
import type { AgentConnection } from './agent-connection.ts';
import { ackFrame, errorFrame, sendFrame } from './chat-socket.ts';
import { translationOff } from './reply-translation.ts';
import { cleanText } from './visitor-chat-service.ts';

/** Sends the `error` frame for a failed command, naming what the frame named. */
function failed(
  conn: AgentConnection,
  err: unknown,
  ref: string | undefined,
  conversationId: string | undefined,
  echoId?: string,
): void {
  sendFrame(
    conn.ws,
    errorFrame(err, conn.deps.log, {
      ...(echoId ? { echoId } : {}),
      ...(ref ? { ref } : {}),
      ...(conversationId ? { conversationId } : {}),
    }),
  );
}

/** How this socket follows a conversation: holding it, joined to it (barged in), or reading it. */
function modeOf(conn: AgentConnection, c: Conversation): 'assigned' | 'joined' | 'watch' {
  if (c.status !== 'active') return 'watch';
  if (c.assignedAgentId === conn.user.id) return 'assigned';
  return c.joinedAgentId === conn.user.id ? 'joined' : 'watch';
}

/** Sends the ack of a stored line, or the error frame refusing it. */
function answerSend(
  conn: AgentConnection,
  f: Extract<AgentClientFrame, { type: 'send' }>,
  r: AppendResult,
): void {
  if (r.ok) sendFrame(conn.ws, ackFrame(f.echoId, r, f.text));
  else failed(conn, r.error, undefined, f.conversationId, f.echoId);
}

/**
 * A reply to go out in the customer's language: translated first, then stored as the customer's
 * text with the agent's words kept beside it. A failed translation sends nothing: the agent is told
 * (`translation_failed`) and may send the words as written.
 */
function sendTranslated(
  conn: AgentConnection,
  f: Extract<AgentClientFrame, { type: 'send' }>,
  item: AppendItem,
): void {
  const translator = conn.deps.replyTranslation.translator;
  if (!translator) {
    failed(conn, translationOff(), undefined, f.conversationId, f.echoId);
    return;
  }
  translator
    .translate(item.accountId, conn.user.id, item.conversationId, item.text, f.translateTo!)
    .then(async (reply) => {
      const r = await conn.deps.writer.append({ ...item, text: reply.text }, conn.id);
      if (r.ok) await reply.keep(r.message);
      answerSend(conn, f, r);
    })
    .catch((err) => failed(conn, err, undefined, f.conversationId, f.echoId));
}

/**
 * Runs one validated frame from an agent socket; every failure becomes an `error` frame, never a
 * crash. A line (`send`) creates no function of its own: the server runs through tsx, which names
 * each function bound to a variable with a runtime call, and this runs for every line.
 */
export function runAgentCommand(conn: AgentConnection, f: AgentClientFrame): void {
  const { agents, writer } = conn.deps;
  if (f.type === 'send') {
    if (f.echoId.startsWith(TIMELINE_ECHO_PREFIX)) {
      failed(
        conn,
        badRequest('echo ids starting "timeline:" are the server\'s'),
        undefined,
        f.conversationId,
        f.echoId,
      );
      return;
    }
    conn.following(f.conversationId)?.stream.sending(f.echoId);
    const item: AppendItem = {
      accountId: conn.caller.accountId,
      conversationId: f.conversationId,
      sender: {
        kind: f.note ? 'note' : 'agent',
        agentId: conn.user.id,
        name: conn.user.name,
        supervisor: conn.supervisor,
      },
      echoId: f.echoId,
      afterSeq: f.afterSeq,
      text: cleanText(f.text),
      attachmentIds: f.attachmentIds,
    };
    if (f.translateTo && !f.note && item.text) {
      sendTranslated(conn, f, item);
      return;
    }
    // A note naming colleagues is checked first: one who cannot see the chat refuses the note.
    const checked =
      f.note && item.text.includes('@')
        ? conn.deps.mentions
            .check(conn.caller, item.conversationId, item.text)
            .then((mentions) => writer.append({ ...item, mentions }, conn.id))
        : writer.append(item, conn.id);
    checked.then(
      (r) => answerSend(conn, f, r),
      (err) => failed(conn, err, undefined, f.conversationId, f.echoId),
    );
    return;
  }
  if (isCallFrame(f) || f.type === 'call_hold' || f.type === 'call_transfer' || f.type === 'call_warm') {
    if (conn.call) conn.deps.voice.frame(conn.call, f);
    return;
  }
  const ref = 'ref' in f ? f.ref : undefined;
  const conversationId = 'conversationId' in f ? f.conversationId : undefined;
  const fail = (err: unknown) => failed(conn, err, ref, conversationId);
  const done = () => {
    if (ref) sendFrame(conn.ws, { type: 'done', ref });
  };
  const run = (work: Promise<unknown>) => work.then(done, fail);
  // Offers the command makes room for come after its answer.
  const freeing = (work: () => Promise<unknown>) => conn.answerFirst(() => run(work()));

  switch (f.type) {
    case 'status':
      return void freeing(() =>
        agents.setStatus(conn.caller.accountId, conn.user.id, f.status, undefined, f.reason),
      );
    case 'accept':
      return void run(agents.accept(conn.caller, f.conversationId));
    case 'decline':
      return void freeing(() => agents.decline(conn.caller, f.conversationId));
    case 'transfer':
      return void freeing(() =>
        agents.transfer(conn.caller, f.conversationId, {
          ...(f.agentId ? { agentId: f.agentId } : {}),
          ...(f.skillId ? { skillId: f.skillId } : {}),
          ...(f.note ? { note: f.note } : {}),
        }),
      );
    case 'close':
      return void freeing(() =>
        agents.close(conn.caller, f.conversationId, {
          ...(f.disposition ? { disposition: f.disposition } : {}),
          ...(f.tags ? { tags: f.tags } : {}),
        }),
      );
    case 'join':
      return void run(
        agents.join(conn.caller, f.conversationId).then((c) => conn.open(c.id, 'joined', c.lastSeq)),
      );
    case 'leave':
      return void run(
        agents.leave(conn.caller, f.conversationId).then(() => {
          const s = conn.following(f.conversationId);
          if (s?.mode === 'joined') s.mode = 'watch';
        }),
      );
    case 'resume':
    case 'watch':
      return void run(
        (async () => {
          const afterSeq = f.afterSeq ?? 0;
          if (conn.following(f.conversationId)) return conn.open(f.conversationId, 'watch', afterSeq, true);
          const c = await agents.readable(conn.caller, f.conversationId);
          const mode = modeOf(conn, c);
          // `c` as read before listening: a change made in between is shown once listening.
          await conn.open(f.conversationId, mode, afterSeq, true, c);
          if (mode === 'watch' && conn.supervisor && c.status === 'active')
            await agents.timeline.monitoring(
              { accountId: conn.caller.accountId, id: conn.user.id, name: conn.user.name },
              c.id,
            );
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
      if (f.note) conn.typingNote.add(f.conversationId);
      else conn.typingNote.delete(f.conversationId);
      conn.typing.push(f.conversationId, f.typing);
      return;
    }
    case 'viewing': {
      if (f.viewing && !conn.following(f.conversationId)) {
        fail(notFound('conversation'));
        return;
      }
      void conn.view(f.conversationId, f.viewing).catch(fail);
      return;
    }
    case 'ping':
      sendFrame(conn.ws, { type: 'pong' });
      return;
  }
}
