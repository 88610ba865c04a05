import type { IncomingMessage } from 'node:http';
import { BotClientFrame, type BotServerFrame } from '@beckon/protocol/bots-api';
import Value from 'typebox/value';
import type { WebSocket } from 'ws';
import type { Bus } from '../bus/bus.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { WsGuard } from '../realtime/ws-router.ts';
import type { BotTarget } from '../store/bots-repo.ts';
import type { Store } from '../store/store.ts';
import { type BotEngine, botTopic } from './bot-engine.ts';

/** The largest frame a bot may send (a reply with its card and buttons fits well within). */
const MAX_BOT_FRAME = 32 * 1024;

/** The bot a socket upgrade presents (`Authorization: Bearer bkbot_…`), or undefined. */
export async function botOfRequest(store: Store, req: IncomingMessage): Promise<BotTarget | undefined> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? store.bots.authenticate(m[1]!) : undefined;
}

/** Refuses an upgrade without a valid socket bot's token (401), before the socket opens. */
export const botSocketGuard =
  (store: Store): WsGuard =>
  async (req) => {
    const bot = await botOfRequest(store, req);
    if (!bot) return { status: 401, reason: 'Unauthorized' };
    if (bot.kind !== 'socket') return { status: 403, reason: 'Forbidden' };
    return null;
  };

/**
 * One bot's socket (`/v1/bot`): it is sent each visitor line of the conversations it holds (from
 * any node, over the bus) with their context, and sends `reply` and `handoff` frames, each
 * acknowledged (`ack`) or refused (`error` with a code), never closing the socket for a bad frame.
 */
export class BotSocket {
  private unsubscribe?: Promise<() => Promise<void>>;

  constructor(
    private readonly ws: WebSocket,
    private readonly bot: BotTarget,
    bus: Bus,
    private readonly engine: BotEngine,
    private readonly log: Logger,
  ) {
    this.unsubscribe = bus.subscribe(botTopic(bot.id), (m) => this.send(m as BotServerFrame));
    ws.on('message', (data, isBinary) => void this.onFrame(data as Buffer, isBinary));
    ws.on('close', () => void this.unsubscribe?.then((off) => off()).catch(() => {}));
    void this.unsubscribe.then(() => this.send({ t: 'ready', botId: bot.id }));
  }

  private send(frame: BotServerFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private async onFrame(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary || data.length > MAX_BOT_FRAME) {
      return this.send({
        t: 'error',
        code: 'bad_frame',
        message: `send JSON text frames of at most ${MAX_BOT_FRAME} bytes`,
      });
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      return this.send({ t: 'error', code: 'bad_frame', message: 'the frame is not JSON' });
    }
    if (!Value.Check(BotClientFrame, frame)) {
      const [fault] = [...Value.Errors(BotClientFrame, frame)];
      const ref =
        typeof (frame as { ref?: unknown })?.ref === 'string' ? (frame as { ref: string }).ref : undefined;
      return this.send({
        t: 'error',
        ...(ref ? { ref } : {}),
        code: 'bad_frame',
        message: `not a reply or handoff frame${fault ? `: ${fault.instancePath || '/'} ${fault.message}` : ''}`,
      });
    }
    const ref = frame.ref;
    try {
      if (frame.t === 'reply') {
        const m = await this.engine.reply(this.bot, frame.conversationId, {
          text: frame.text,
          ...(frame.quickReplies ? { quickReplies: frame.quickReplies } : {}),
          ...(frame.card ? { card: frame.card } : {}),
        });
        this.send({ t: 'ack', ...(ref ? { ref } : {}), seq: m.seq });
      } else {
        await this.engine.handoff(this.bot, frame.conversationId, {
          ...(frame.note !== undefined ? { note: frame.note } : {}),
          ...(frame.skillId ? { skillId: frame.skillId } : {}),
        });
        this.send({ t: 'ack', ...(ref ? { ref } : {}) });
      }
    } catch (err) {
      if (!(err instanceof AppError)) this.log.error({ err, botId: this.bot.id }, 'bot frame failed');
      const e =
        err instanceof AppError ? err : new AppError(500, 'internal', 'the frame could not be carried out');
      this.send({ t: 'error', ...(ref ? { ref } : {}), code: e.code, message: e.message });
    }
  }
}
