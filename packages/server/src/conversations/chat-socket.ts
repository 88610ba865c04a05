import type { Message } from '@beckon/protocol/chat-api';
import { type ChatErrorCode, CloseCode } from '@beckon/protocol/chat-protocol';
import type { WebSocket } from 'ws';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { sendText } from '../realtime/text-frames.ts';
import { isStoreUnavailable, storeUnavailable } from '../store/store-availability.ts';

/** Sends one JSON frame if the socket is still open. */
export function sendFrame(ws: WebSocket, frame: object): void {
  if (ws.readyState === ws.OPEN) sendText(ws, JSON.stringify(frame));
}

/** Closes with a 44xx code (mirroring HTTP) and a short reason. */
export function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
}

/** The `error` frame for a failure: AppErrors say what went wrong; anything else is logged and stays vague. */
export function errorFrame(
  err: unknown,
  log: Logger,
  extra: { echoId?: string; ref?: string; conversationId?: string } = {},
): { type: 'error'; code: string; message: string; echoId?: string; ref?: string; conversationId?: string } {
  if (err instanceof AppError) return { type: 'error', code: err.code, message: err.message, ...extra };
  if (isStoreUnavailable(err)) {
    const e = storeUnavailable();
    return { type: 'error', code: e.code, message: e.message, ...extra };
  }
  log.error({ err }, 'chat frame failed');
  const code: (typeof ChatErrorCode)['Internal'] = 'internal';
  return { type: 'error', code, message: 'something went wrong on our side', ...extra };
}

/**
 * The `ack` of a stored line (`duplicate`: a retry of one stored already), sent after its commit;
 * with the stored text when it is not the `sent` one (masked), so the sender shows what others see.
 */
export function ackFrame(echoId: string, stored: { message: Message; duplicate: boolean }, sent?: string) {
  const m = stored.message;
  return {
    type: 'ack',
    echoId,
    conversationId: m.conversationId,
    seq: m.seq,
    createdAt: m.createdAt,
    duplicate: stored.duplicate,
    // An agent's line on another channel than web chat: it is in the outbox.
    ...(m.deliveryStatus ? { deliveryStatus: m.deliveryStatus } : {}),
    ...(sent !== undefined && m.text !== sent ? { text: m.text } : {}),
  } as const;
}

/** Text of a WebSocket message, or undefined for binary frames. */
export function frameText(data: unknown, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return undefined;
}

export { CloseCode };
