import type { TranslationState } from '@beckon/protocol/assist-api';
import { MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import { type AssistModel, type AssistPlan, modelFor } from '../store/assist-repo.ts';
import type { AssistMetrics } from './assist-metrics.ts';
import { languageName } from './language-detector.ts';
import { streamCompletion } from './model-client.ts';

/** The most of a LibreTranslate answer read (bytes). */
const RESPONSE_BYTES = 64 * 1024;
/** The default deadline of a LibreTranslate call when assist has no model (ms). */
const DEFAULT_TIMEOUT_MS = 8000;

/** A translation, or why there is none (the agent sees the reason). */
export type TranslationResult =
  | { state: 'done'; text: string }
  | { state: Exclude<TranslationState, 'done' | 'unknown'>; reason: string };

export interface TranslateRequest {
  text: string;
  from: string;
  to: string;
  /** Which way: a customer's line to the agent, or the agent's reply to the customer. */
  direction: 'incoming' | 'outgoing';
}

const instructions = (from: string, to: string) =>
  `Translate the user's message from ${languageName(from)} into ${languageName(to)}. ` +
  'Answer with the translation only: no notes, no quotes, no explanations. ' +
  'Keep names, numbers, links and placeholders such as [card] as they are.';

/** Whether the account can translate: a model set, or a LibreTranslate server named. */
export const canTranslate = (plan: AssistPlan): boolean =>
  plan.enabled &&
  (plan.translation.provider === 'libretranslate'
    ? Boolean(plan.translation.baseUrl)
    : Boolean(modelFor(plan, 'translation')));

/**
 * Translates one line through the account's provider: the model (an OpenAI-compatible chat
 * completion with a strict prompt; the text masked before it leaves), or a LibreTranslate-compatible
 * server (`POST /translate`). Both through the egress guard, with a deadline. Never throws.
 */
export async function translate(
  egress: Egress,
  plan: AssistPlan,
  req: TranslateRequest,
  mask: (text: string) => string,
  metrics: AssistMetrics,
  log: Logger,
): Promise<TranslationResult> {
  const provider = plan.translation.provider;
  const started = performance.now();
  const result =
    provider === 'libretranslate'
      ? await libreTranslate(egress, plan.translation, plan.model?.timeoutMs ?? DEFAULT_TIMEOUT_MS, req)
      : await byModel(egress, modelFor(plan, 'translation')!, req, mask, metrics, log);
  metrics.translated(provider, req.direction, result.state);
  if (provider === 'libretranslate')
    log.info(
      {
        purpose: 'translation',
        provider,
        direction: req.direction,
        outcome: result.state,
        latencyMs: Math.round(performance.now() - started),
        ...(result.state !== 'done' ? { reason: result.reason } : {}),
      },
      'assist translation call',
    );
  return result;
}

async function byModel(
  egress: Egress,
  model: AssistModel,
  req: TranslateRequest,
  mask: (text: string) => string,
  metrics: AssistMetrics,
  log: Logger,
): Promise<TranslationResult> {
  const r = await streamCompletion(
    egress,
    model,
    [
      { role: 'system', content: instructions(req.from, req.to) },
      { role: 'user', content: mask(req.text) },
    ],
    {
      purpose: 'translation',
      maxChars: Math.min(MAX_MESSAGE_LENGTH, Math.max(400, req.text.length * 3)),
      maxTokens: 1200,
    },
    metrics,
    log,
  );
  return r.state === 'done' ? { state: 'done', text: r.text } : { state: r.state, reason: r.reason };
}

/** LibreTranslate's documented `POST /translate`; a server that needs a key takes it as `api_key` in the body. */
async function libreTranslate(
  egress: Egress,
  server: AssistPlan['translation'],
  timeoutMs: number,
  req: TranslateRequest,
): Promise<TranslationResult> {
  try {
    const body = {
      q: req.text,
      source: req.from,
      target: req.to,
      format: 'text',
      ...(server.apiKey ? { api_key: server.apiKey } : {}),
    };
    const res = await egress.request(`${server.baseUrl ?? ''}/translate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
      // A translation asked twice costs only the server's time.
      repeatable: true,
      timeoutMs,
      maxBytes: RESPONSE_BYTES,
    });
    if (res.status < 200 || res.status >= 300)
      return { state: 'down', reason: `the translation server answered HTTP ${res.status}` };
    let text: unknown;
    try {
      text = (JSON.parse(res.body.toString('utf8')) as { translatedText?: unknown }).translatedText;
    } catch {
      text = undefined;
    }
    if (typeof text !== 'string' || !text.trim())
      return { state: 'garbage', reason: 'the translation server answered no translation' };
    if (text.length > MAX_MESSAGE_LENGTH)
      return { state: 'too_long', reason: `the translation ran over ${MAX_MESSAGE_LENGTH} characters` };
    return { state: 'done', text: text.trim() };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'timeout' || code === 'body_timeout' || code === 'connect_timeout')
      return { state: 'timeout', reason: `no translation within ${timeoutMs} ms` };
    if (code === 'too_large') return { state: 'too_long', reason: 'the translation ran over its size limit' };
    return {
      state: 'down',
      reason: `the translation server could not be reached (${(err as Error).message})`,
    };
  }
}
