import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

/** One request the server received: its path, headers and parsed JSON body. */
export interface CompletionRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    messages: { role: string; content: string }[];
    [k: string]: unknown;
  };
}

/** What the server does with the next request: answer with content, fail, or never answer. */
export type CompletionBehaviour =
  | {
      kind: 'answer';
      content: string /** Between streamed tokens (ms), when the request asks to stream. */;
      gapMs?: number;
    }
  | { kind: 'status'; status: number }
  | { kind: 'silent' }
  /** 200 with a body that is no completion. */
  | { kind: 'garbage' }
  /** Streams tokens every `gapMs` until the caller hangs up. */
  | { kind: 'endless'; gapMs: number };

/**
 * A local server speaking OpenAI's chat-completions format (`POST /v1/chat/completions`), as
 * llama.cpp and Ollama do: it records each request and answers as the test tells it.
 */
export class ChatCompletionsServer {
  readonly received: CompletionRequest[] = [];
  behaviour: CompletionBehaviour = { kind: 'answer', content: 'ok' };

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ChatCompletionsServer> {
    const server = createServer();
    const self = new ChatCompletionsServer(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        self.received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw || '{}') });
        const b = self.behaviour;
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        } else if (
          self.received.at(-1)?.body.stream === true &&
          (b.kind === 'answer' || b.kind === 'endless')
        ) {
          self.stream(res, b);
        } else if (b.kind === 'garbage') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
        } else if (b.kind === 'endless') {
          // Never finishes a non-streamed answer either.
        } else if (b.kind === 'silent') {
          // Never answers: the caller's timeout must let the visitor go on.
        } else if (b.kind === 'status') {
          res
            .writeHead(b.status, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { message: 'model overloaded', type: 'server_error' } }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: `chatcmpl-${self.received.length}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: self.received.at(-1)?.body.model,
              choices: [
                { index: 0, message: { role: 'assistant', content: b.content }, finish_reason: 'stop' },
              ],
              usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /**
   * Streams as OpenAI does (`text/event-stream`): a `data:` chunk per token, the usage, `[DONE]`.
   * An endless stream repeats a word until the caller hangs up.
   */
  private stream(
    res: import('node:http').ServerResponse,
    b: Extract<CompletionBehaviour, { kind: 'answer' | 'endless' }>,
  ): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta }], ...extra })}\n\n`;
    const tokens = b.kind === 'answer' ? (b.content.match(/\S+\s*/g) ?? []) : [];
    const gap = b.gapMs ?? 0;
    let i = 0;
    let stopped = false;
    res.on('close', () => {
      stopped = true;
    });
    const next = () => {
      if (stopped) return;
      if (b.kind === 'endless') {
        res.write(chunk({ content: 'more ' }));
        setTimeout(next, gap);
        return;
      }
      if (i < tokens.length) {
        res.write(chunk(i === 0 ? { role: 'assistant', content: tokens[i] } : { content: tokens[i] }));
        i++;
        if (gap > 0) setTimeout(next, gap);
        else setImmediate(next);
        return;
      }
      res.write(
        `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens.length, total_tokens: 100 + tokens.length } })}\n\n`,
      );
      res.end('data: [DONE]\n\n');
    };
    next();
  }

  /** The OpenAI-compatible base URL (`…/v1`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }
}
