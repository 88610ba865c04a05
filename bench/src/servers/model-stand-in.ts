import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** How the stand-in streams: its first token after `firstTokenMs`, then one every `tokenMs`. */
export interface StandInPace {
  firstTokenMs: number;
  tokenMs: number;
  tokens: number;
}

/** Words of assist's instruction for a suggested reply (suggestion-writer.ts), to tell it from other calls. */
const SUGGESTION_PROMPT = "Write the agent's next reply";

/**
 * A local OpenAI-compatible model (`POST /v1/chat/completions`, streamed as server-sent events)
 * that streams at a fixed rate, in the bench's process. For each request for a suggested reply it
 * keeps its own time to first token: from the request's arrival to the first token written.
 * Other calls (the intent and sentiment) stream the same way and are not counted.
 */
export async function startModelStandIn(pace: StandInPace) {
  const firstTokenMs: number[] = [];
  const server = createServer((req, res) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const suggestion = Buffer.concat(chunks).toString('utf8').includes(SUGGESTION_PROMPT);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (content: string) =>
        `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
      let sent = 0;
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      const next = () => {
        if (closed) return;
        if (sent === 0 && suggestion) firstTokenMs.push(performance.now() - arrived);
        if (sent < pace.tokens) {
          res.write(chunk(sent === 0 ? 'Thanks' : ' for asking'));
          sent++;
          setTimeout(next, pace.tokenMs);
          return;
        }
        const usage = { prompt_tokens: 200, completion_tokens: pace.tokens, total_tokens: 200 + pace.tokens };
        res.end(`data: ${JSON.stringify({ choices: [], usage })}\n\ndata: [DONE]\n\n`);
      };
      setTimeout(next, pace.firstTokenMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    /** Each suggestion request's own time to first token (ms), in arrival order. */
    firstTokenMs,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}
