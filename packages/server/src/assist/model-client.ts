import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import type { AssistModel } from '../store/assist-repo.ts';
import type { AssistMetrics, ModelOutcomeState, ModelPurpose } from './assist-metrics.ts';

/** The most of a model's answer read (bytes): a stream past it is stopped. */
const RESPONSE_BYTES = 256 * 1024;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A model call's end: its text, or why there is none (the agent sees the reason). */
export type ModelResult =
  | { state: 'done'; text: string }
  | { state: Exclude<ModelOutcomeState, 'done'>; reason: string };

export interface CompletionOptions {
  purpose: ModelPurpose;
  /** The longest answer accepted (characters); a longer one is `too_long`. */
  maxChars: number;
  maxTokens: number;
  /** Called with the text so far as tokens arrive. */
  onText?: (textSoFar: string) => void;
}

/** A rough token count for a server that reports no usage (about four characters a token). */
const estimate = (chars: number) => Math.ceil(chars / 4);

/**
 * Streams a chat completion from an OpenAI-compatible server (llama.cpp, Ollama, vLLM…) through
 * the egress: its address checked, its time and size capped. Never throws: a slow server is
 * `timeout`, a refusal or a broken connection `down`, a body that is no completion `garbage`, an
 * answer past the limit `too_long`. Each call is logged with its latency and token counts, never
 * its text, and counted in `/metrics`.
 */
export async function streamCompletion(
  egress: Egress,
  target: AssistModel,
  messages: readonly ChatMessage[],
  opts: CompletionOptions,
  metrics: AssistMetrics,
  log: Logger,
): Promise<ModelResult> {
  const started = performance.now();
  let firstTokenMs: number | null = null;
  let text = '';
  let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  let chunks = 0;
  let garbage = 0;
  let pending = '';
  let tooLong = false;
  let sawDone = false;
  const stop = new AbortController();

  const onEvent = (data: string) => {
    if (data === '[DONE]') {
      sawDone = true;
      return;
    }
    let parsed: {
      choices?: { delta?: { content?: unknown }; message?: { content?: unknown } }[];
      usage?: typeof usage;
    };
    try {
      parsed = JSON.parse(data);
    } catch {
      garbage++;
      return;
    }
    if (parsed?.usage) usage = parsed.usage;
    const choice = parsed?.choices?.[0];
    const piece = choice?.delta?.content ?? choice?.message?.content;
    if (typeof piece !== 'string' || !piece) return;
    chunks++;
    firstTokenMs ??= performance.now() - started;
    text += piece;
    if (text.length > opts.maxChars) {
      tooLong = true;
      stop.abort();
      return;
    }
    opts.onText?.(text);
  };
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('data:')) onEvent(line.slice(5).trim());
  };

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
  };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  const body = JSON.stringify({
    model: target.model,
    temperature: 0.2,
    max_tokens: opts.maxTokens,
    stream: true,
    stream_options: { include_usage: true },
    messages,
  });
  let result: ModelResult;
  try {
    const res = await egress.request(`${target.baseUrl}/chat/completions`, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      // A completion asked twice costs only the model's time.
      repeatable: true,
      timeoutMs: target.timeoutMs,
      maxBytes: RESPONSE_BYTES,
      signal: stop.signal,
      onData: (c) => {
        try {
          if (!tooLong) onData(c);
        } catch {
          garbage++;
        }
      },
    });
    if (res.status < 200 || res.status >= 300) {
      result = { state: 'down', reason: `the model server answered HTTP ${res.status}` };
    } else {
      if (pending.startsWith('data:')) onEvent(pending.slice(5).trim());
      // A server that does not stream answers one JSON completion.
      if (chunks === 0 && !sawDone && /json/.test(String(res.headers['content-type'] ?? ''))) {
        pending = '';
        onEvent(res.body.toString('utf8'));
      }
      const answer = text.trim();
      if (tooLong) result = { state: 'too_long', reason: `the answer ran over ${opts.maxChars} characters` };
      else if (!answer)
        result = { state: 'garbage', reason: 'the model server answered no text a suggestion could use' };
      else result = { state: 'done', text: answer };
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (tooLong) result = { state: 'too_long', reason: `the answer ran over ${opts.maxChars} characters` };
    else if (code === 'timeout' || code === 'body_timeout' || code === 'connect_timeout')
      result = { state: 'timeout', reason: `no complete answer within ${target.timeoutMs} ms` };
    else if (code === 'too_large')
      result = { state: 'too_long', reason: 'the answer ran over the size a suggestion may have' };
    else
      result = { state: 'down', reason: `the model server could not be reached (${(err as Error).message})` };
  }
  const latencyMs = Math.round(performance.now() - started);
  const promptTokens = usage?.prompt_tokens ?? estimate(messages.reduce((n, m) => n + m.content.length, 0));
  const completionTokens = usage?.completion_tokens ?? (text ? Math.max(chunks, estimate(text.length)) : 0);
  metrics.call(opts.purpose, result.state, latencyMs, firstTokenMs, promptTokens, completionTokens);
  log.info(
    {
      purpose: opts.purpose,
      outcome: result.state,
      latencyMs,
      firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs),
      promptTokens,
      completionTokens,
      tokensEstimated: usage === undefined,
      ...(garbage ? { garbageLines: garbage } : {}),
      ...(result.state !== 'done' ? { reason: result.reason } : {}),
    },
    'assist model call',
  );
  return result;
}
