/**
 * Requests over the agent socket: each frame carries a `ref`, and the server answers it with
 * `done` or `error`. A request fails at once when the socket is down, and after a timeout.
 */

import { readableMessage } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';

const notConnected = () => t('Not connected to Beckon right now. Try again when the connection is back.');

/** A socket request answered with `error` (or never answered). */
export class WorkspaceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

interface Waiting {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: number;
}

const TIMEOUT_MS = 15_000;

export class SocketRequests {
  private readonly waiting = new Map<string, Waiting>();
  private seq = 0;

  /** `send` returns false when the socket is down. */
  constructor(private readonly send: (frame: object) => boolean) {}

  /** Sends `frame` with a fresh `ref`; resolves on its `done`, rejects on its `error`. */
  request(frame: Record<string, unknown>): Promise<void> {
    const ref = `r${++this.seq}`;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, ref })) {
        reject(new WorkspaceError('not_connected', notConnected()));
        return;
      }
      const timer = window.setTimeout(() => {
        this.waiting.delete(ref);
        reject(new WorkspaceError('timeout', t('Beckon did not answer in time. Please try again.')));
      }, TIMEOUT_MS);
      this.waiting.set(ref, { resolve, reject, timer });
    });
  }

  /** The server answered `ref`: `error` carries its code and message. */
  answer(ref: string, error?: { code: string; message: string }): void {
    const w = this.waiting.get(ref);
    if (!w) return;
    this.waiting.delete(ref);
    window.clearTimeout(w.timer);
    if (error) w.reject(new WorkspaceError(error.code, readableMessage(error.message)));
    else w.resolve();
  }

  /** The connection dropped: nothing in flight will be answered. */
  failAll(): void {
    const message = notConnected();
    for (const w of this.waiting.values()) {
      window.clearTimeout(w.timer);
      w.reject(new WorkspaceError('not_connected', message));
    }
    this.waiting.clear();
  }
}
