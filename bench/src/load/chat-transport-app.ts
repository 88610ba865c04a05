import { createHmac } from 'node:crypto';
import { createNodeMessagingClient, type MessagingClient, MessagingError } from '@beckon/sdk/messaging/node';
import { type ChatPair, type ChatPairEvents, type ChatTransport, idOfText } from './chat-pairs.ts';
import { answers, connect, type Frame, type SeededAgent } from './chat-transport-beckon.ts';

/** Where and as whom W8's app users and their agents connect (one node). */
export interface AppChatSpec {
  /** The node's base URL (http://host:port). */
  url: string;
  siteKey: string;
  /** The site's identity secret: the site's server signs its users' ids with it. */
  identitySecret: string;
  /** One agent per pair, all in the app channel's skill. */
  agents: SeededAgent[];
}

/** What the site's server computes for its signed-in user: hex HMAC-SHA256 of the id. */
const userHashOf = (secret: string, userId: string) =>
  createHmac('sha256', secret).update(userId, 'utf8').digest('hex');

/**
 * W8's in-app pairs: a signed-in app user talks through the SDK's `MessagingClient` (identify
 * over the Messaging API, the first line over REST, then `/v1/chat` with the app token); an agent
 * on `/v1/agent` accepts and answers. The router gives a new conversation to any free agent of
 * the skill, so pairs are set up one at a time: the agent just connected is the only free one.
 */
export function appTransport(spec: AppChatSpec): ChatTransport {
  const clients: MessagingClient[] = [];
  const sockets: Array<{ close(code: number): void }> = [];
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => {});
    return run;
  };
  const ws = spec.url.replace(/^http/, 'ws');

  const setUp = async (i: number, ev: ChatPairEvents): Promise<ChatPair> => {
    const seeded = spec.agents[i];
    if (!seeded) throw new Error(`no seeded app agent for pair ${i}`);
    const a = connect(`${ws}/v1/agent`, { cookie: seeded.cookie }, ev);
    const agent = a.framed;
    sockets.push(agent.ws);
    const ready = agent.next((f) => f.type === 'ready', 'ready');
    const offered = agent.next((f) => f.type === 'offer', 'offer');
    await a.opened;
    await ready;

    const client = createNodeMessagingClient({ baseUrl: spec.url, siteKey: spec.siteKey });
    clients.push(client);
    const userId = `bench-app-user-${i}-${Date.now().toString(36)}`;
    await client.identify({ userId, userHash: userHashOf(spec.identitySecret, userId) });
    const opened = new Promise<void>((resolve) => {
      const stop = client.on('connection', (state) => {
        if (state !== 'open') return;
        stop();
        resolve();
      });
    });
    // The first line opens the conversation (over REST), then the client opens its socket.
    await client.send('hello');
    const conversationId = client.conversation!.id;
    const offer = await offered;
    if (offer.conversation!.id !== conversationId) throw new Error(`pair ${i}: offered another conversation`);
    const accepted = agent.next((f) => f.ref === 'accept', 'accept answer');
    agent.send({ type: 'accept', conversationId, ref: 'accept' });
    const answer = await accepted;
    if (answer.type !== 'done') throw new Error(`pair ${i}: accept failed: ${JSON.stringify(answer)}`);
    await opened;

    let agentSeen = 0;
    agent.onFrame = (f: Frame) => {
      agentSeen = Math.max(agentSeen, f.message?.seq ?? f.seq ?? 0);
      if (f.type === 'message') {
        if (f.message!.senderKind === 'visitor') ev.toAgent(idOfText(f.message!.text));
      } else answers(f, ev);
    };
    client.on('message', (m) => {
      if (m.senderKind === 'agent') ev.toVisitor(idOfText(m.text));
    });
    client.on('error', (e) => ev.failed(`app client: ${e.code} ${e.message}`));
    return {
      visitorSend: (id, text) => {
        client.send(text).then(
          () => ev.acked(id),
          (err: Error) => ev.refused(id, err instanceof MessagingError ? err.code : err.message),
        );
      },
      agentSend: (echoId, text) =>
        agent.send({ type: 'send', conversationId, echoId, afterSeq: agentSeen, text }),
    };
  };

  return {
    connect: (i, ev) => oneAtATime(() => setUp(i, ev)),
    async close() {
      for (const c of clients) c.close();
      for (const s of sockets) s.close(1000);
    },
  };
}
