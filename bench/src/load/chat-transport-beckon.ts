import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { type ChatPair, type ChatPairEvents, type ChatTransport, idOfText, pairNodes } from './chat-pairs.ts';

/** What the bench server seeded for one pair: an agent (session cookie) with a skill of its own. */
export interface SeededAgent {
  skillId: string;
  cookie: string;
}

/** Where and as whom the Beckon pairs connect. */
export interface BeckonChatSpec {
  /** Base URLs (http://host:port) of the nodes. */
  urls: string[];
  siteKey: string;
  origin: string;
  /** One per pair, by pair index. */
  agents: SeededAgent[];
}

export interface Frame {
  type: string;
  echoId?: string;
  code?: string;
  /** An ack's sequence number. */
  seq?: number;
  message?: { senderKind: string; text: string; seq: number } & Record<string, unknown>;
  conversation?: { id: string; status: string };
  ref?: string;
  /** Assist's `suggestion_stream` state. */
  state?: string;
}

/** A socket whose frames go first to one-shot waiters (setup), then to the hot-path handler. */
export class Framed {
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  onFrame: (f: Frame) => void = () => {};

  constructor(
    readonly ws: WebSocket,
    ev: ChatPairEvents,
  ) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      if (this.waiters.length > 0) {
        const w = this.waiters.find((x) => x.match(f));
        if (w) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(f);
        }
      }
      this.onFrame(f);
    });
    ws.on('close', (code, reason) => {
      if (code !== 1000 && code !== 1005) ev.failed(`beckon socket closed ${code} ${reason.toString()}`);
    });
  }

  next(match: (f: Frame) => boolean, what: string, timeoutMs = 30_000): Promise<Frame> {
    const p = new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
    p.catch(() => {}); // awaited later (or never, when setup failed before): no unhandled rejection
    return p;
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }
}

/** Starts connecting; frames are buffered for waiters registered before `opened` resolves. */
export function connect(url: string, headers: Record<string, string>, ev: ChatPairEvents) {
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  const framed = new Framed(ws, ev);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { framed, opened };
}

/** Sends ack / refusal events for the frames both sides get in answer to their own sends. */
export function answers(f: Frame, ev: ChatPairEvents): void {
  if (f.type === 'ack') ev.acked(f.echoId!);
  else if (f.type === 'error') {
    if (f.echoId) ev.refused(f.echoId, f.code ?? 'error');
    else ev.failed(`error frame ${f.code}: ${String(f.message)}`);
  }
}

/**
 * Tells `suggested` when assist's frames for a visitor line reach the agent: the search
 * suggestions, and the model's first streamed token. They name the line by its sequence number,
 * which the agent learns from the line's own frame (usually first; either order is handled).
 */
function assistFrames(suggested: NonNullable<ChatPairEvents['suggested']>) {
  const idOfSeq = new Map<number, string>();
  const early = new Map<number, Array<{ kind: 'search' | 'model'; at: number }>>();
  const streaming = new Set<number>();
  return (f: Frame, lineId?: string) => {
    const at = performance.now();
    const seq = f.type === 'message' ? f.message!.seq : f.seq!;
    if (lineId !== undefined) {
      idOfSeq.set(seq, lineId);
      for (const e of early.get(seq) ?? []) suggested(lineId, e.kind, e.at);
      early.delete(seq);
      if (idOfSeq.size > 1000) idOfSeq.delete(idOfSeq.keys().next().value!);
      return;
    }
    let kind: 'search' | 'model';
    if (f.type === 'suggestions') kind = 'search';
    else if (streaming.has(seq)) return;
    else {
      // The model's first token: the first stream frame of the line (a failure's frame counts as none).
      if (f.state !== 'writing' && f.state !== 'done') return;
      streaming.add(seq);
      if (streaming.size > 1000) streaming.delete(streaming.values().next().value!);
      kind = 'model';
    }
    const id = idOfSeq.get(seq);
    if (id !== undefined) suggested(id, kind, at);
    else early.set(seq, [...(early.get(seq) ?? []), { kind, at }]);
  };
}

/**
 * Beckon's real protocol: the agent connects to `/v1/agent` with its session cookie; the visitor
 * starts a conversation on `/v1/chat` with the site key and the pair's skill, so the router offers it
 * to exactly that agent, who accepts. Lines are `send` frames, acknowledged after commit.
 */
export function beckonTransport(spec: BeckonChatSpec): ChatTransport {
  const sockets: WebSocket[] = [];
  const ws = (base: string) => base.replace(/^http/, 'ws');
  return {
    async connect(i: number, ev: ChatPairEvents): Promise<ChatPair> {
      const seeded = spec.agents[i];
      if (!seeded) throw new Error(`no seeded agent for pair ${i}`);
      const nodes = pairNodes(i, spec.urls.length);
      const a = connect(`${ws(spec.urls[nodes.agent]!)}/v1/agent`, { cookie: seeded.cookie }, ev);
      const agent = a.framed;
      sockets.push(agent.ws);
      const ready = agent.next((f) => f.type === 'ready', 'ready');
      const offered = agent.next((f) => f.type === 'offer', 'offer');
      await a.opened;
      await ready;
      const v = connect(`${ws(spec.urls[nodes.visitor]!)}/v1/chat`, { origin: spec.origin }, ev);
      const visitor = v.framed;
      sockets.push(visitor.ws);
      const welcome = visitor.next((f) => f.type === 'welcome', 'welcome');
      await v.opened;
      visitor.send({
        type: 'start',
        siteKey: spec.siteKey,
        visitorId: `bench-chat-${i}-${Date.now().toString(36)}`,
        skillId: seeded.skillId,
      });
      const conversationId = (await welcome).conversation!.id;
      const offer = await offered;
      if (offer.conversation!.id !== conversationId) throw new Error(`pair ${i}: offered another chat`);
      const accepted = agent.next((f) => f.ref === 'accept', 'accept answer');
      const active = visitor.next(
        (f) => f.type === 'conversation' && f.conversation!.status === 'active',
        'active',
      );
      agent.send({ type: 'accept', conversationId, ref: 'accept' });
      const answer = await accepted;
      if (answer.type !== 'done') throw new Error(`pair ${i}: accept failed: ${JSON.stringify(answer)}`);
      await active;

      // Each side sends the highest sequence number it has seen with a line, as Beckon's clients do
      // (a retry would repeat it; the store looks for the original only after it).
      let agentSeen = 0;
      let visitorSeen = 0;
      const seen = (f: Frame, before: number) => Math.max(before, f.message?.seq ?? f.seq ?? 0);
      const assist = ev.suggested ? assistFrames(ev.suggested) : undefined;
      agent.onFrame = (f) => {
        if (f.type === 'suggestions' || f.type === 'suggestion_stream') return assist?.(f);
        agentSeen = seen(f, agentSeen);
        if (f.type === 'message') {
          if (f.message!.senderKind === 'visitor') {
            const id = idOfText(f.message!.text);
            assist?.(f, id);
            ev.toAgent(id);
          }
        } else answers(f, ev);
      };
      visitor.onFrame = (f) => {
        visitorSeen = seen(f, visitorSeen);
        if (f.type === 'message') {
          if (f.message!.senderKind === 'agent') ev.toVisitor(idOfText(f.message!.text));
        } else answers(f, ev);
      };
      return {
        visitorSend: (echoId, text) => visitor.send({ type: 'send', echoId, afterSeq: visitorSeen, text }),
        agentSend: (echoId, text) =>
          agent.send({ type: 'send', conversationId, echoId, afterSeq: agentSeen, text }),
      };
    },
    async close() {
      for (const s of sockets) s.close(1000);
    },
  };
}
