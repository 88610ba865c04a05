import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OUTBOX_TEST_ENV } from '../channel-contract.ts';
import { cookieFor } from './chat-fixtures.ts';
import { closeServer } from './close-server.ts';
import { MediaFiles } from './media-files.ts';
import { startTestServer } from './test-server.ts';

/**
 * A local Telegram Bot API for tests: `POST /bot{token}/setWebhook` and `/bot{token}/sendMessage`
 * answer as Telegram documents them (`{ ok: true, result }`, or `{ ok: false, error_code,
 * description }`); a wrong token gets 401 "Unauthorized".
 */
export async function startBotApi(token: string) {
  const webhooks: { url: string; secret_token?: string; allowed_updates?: string[] }[] = [];
  const sent: { chat_id: number; text: string; message_id: number; reply_markup?: unknown }[] = [];
  /** Every answerCallbackQuery call (the spinner on a tapped inline button ends). */
  const answered: { callback_query_id: string; text?: string }[] = [];
  /** Scripted answers of the next sendMessage calls (an outage, a flood limit), in order. */
  const fail: { status: number; description: string; retryAfter?: number }[] = [];
  /** Every answer to a sendMessage, with its time. */
  const calls: { status: number; at: number }[] = [];
  const media = new MediaFiles();
  let next = 100;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // A file's bytes, at the path getFile answered (the token is part of the URL).
    const file = /^\/file\/bot([^/]+)\/documents\/(.+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && file) {
      if (file[1] !== token) return res.writeHead(404).end();
      return media.send(res, file[2]!);
    }
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
    }
    if (m[2] === 'getMe')
      return answer(200, {
        ok: true,
        result: {
          id: Number(token.split(':')[0]),
          is_bot: true,
          first_name: 'Beckon Help',
          username: 'beckon_help_bot',
        },
      });
    if (m[2] === 'getFile') {
      const id = typeof body.file_id === 'string' ? body.file_id : '';
      const f = media.get(id);
      if (!f) return answer(400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
      // Bots may download files of up to 20 MB; Telegram refuses getFile for larger ones.
      if (f.bytes.length > 20 * 1024 * 1024)
        return answer(400, { ok: false, error_code: 400, description: 'Bad Request: file is too big' });
      return answer(200, {
        ok: true,
        result: {
          file_id: id,
          file_unique_id: `u${id}`,
          file_size: f.bytes.length,
          file_path: `documents/${id}`,
        },
      });
    }
    if (m[2] === 'answerCallbackQuery') {
      if (typeof body.callback_query_id !== 'string' || !body.callback_query_id)
        return answer(400, {
          ok: false,
          error_code: 400,
          description: 'Bad Request: query is too old or query ID is invalid',
        });
      answered.push(body as { callback_query_id: string; text?: string });
      return answer(200, { ok: true, result: true });
    }
    if (m[2] === 'setWebhook') {
      webhooks.push(body as { url: string; secret_token?: string; allowed_updates?: string[] });
      return answer(200, { ok: true, result: true, description: 'Webhook was set' });
    }
    if (m[2] === 'sendMessage') {
      const scripted = fail.shift();
      if (scripted) {
        calls.push({ status: scripted.status, at: Date.now() });
        // Telegram names the wait of a flood limit in `parameters.retry_after`, not in a header.
        return answer(scripted.status, {
          ok: false,
          error_code: scripted.status,
          description: scripted.description,
          ...(scripted.retryAfter === undefined ? {} : { parameters: { retry_after: scripted.retryAfter } }),
        });
      }
      calls.push({ status: 200, at: Date.now() });
      if (typeof body.chat_id !== 'number' || typeof body.text !== 'string' || !body.text)
        return answer(400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
      // An inline keyboard: rows of buttons, each with a text and 1-64 bytes of callback_data.
      const markup = body.reply_markup as { inline_keyboard?: unknown } | undefined;
      if (markup !== undefined) {
        const rows = markup.inline_keyboard;
        const ok =
          Array.isArray(rows) &&
          rows.length > 0 &&
          rows.every(
            (row) =>
              Array.isArray(row) &&
              row.length > 0 &&
              row.every(
                (b: { text?: unknown; callback_data?: unknown }) =>
                  typeof b?.text === 'string' &&
                  b.text.length > 0 &&
                  typeof b.callback_data === 'string' &&
                  Buffer.byteLength(b.callback_data) >= 1 &&
                  Buffer.byteLength(b.callback_data) <= 64,
              ),
          );
        if (!ok)
          return answer(400, {
            ok: false,
            error_code: 400,
            description: "Bad Request: can't parse inline keyboard button",
          });
      }
      const message_id = ++next;
      sent.push({
        chat_id: body.chat_id,
        text: body.text,
        message_id,
        ...(markup === undefined ? {} : { reply_markup: markup }),
      });
      return answer(200, {
        ok: true,
        result: {
          message_id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: body.chat_id, type: 'private' },
          text: body.text,
        },
      });
    }
    return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    webhooks,
    sent,
    answered,
    fail,
    calls,
    media,
    close: () => closeServer(server),
  };
}

export const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** A Telegram update with one private text message, as in the Bot API's examples. */
export function tgUpdate(userId: number, text: string, messageId: number, name = 'Ada') {
  return {
    update_id: 10000 + messageId,
    message: {
      message_id: messageId,
      from: { id: userId, is_bot: false, first_name: name, language_code: 'en' },
      chat: { id: userId, first_name: name, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
}

/** A demo server with a Telegram connection to a local Bot API, and the secret its webhook expects. */
export async function startTelegram(env: Record<string, string> = {}) {
  const bot = await startBotApi(BOT_TOKEN);
  const srv = await startTestServer({ demo: true, env: { ...OUTBOX_TEST_ENV, ...env } });
  const admin = await cookieFor(srv, 'admin@demo.beckon.local');
  const res = await fetch(`${srv.url}/api/v1/channels`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'telegram', botToken: BOT_TOKEN, apiBaseUrl: bot.url }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const created = (await res.json()) as { id: string; webhookUrl: string };
  const hook = `${srv.url}/hooks/telegram/${created.id}`;
  /** The secret this connection's webhook was set with (other bots' webhooks may come later). */
  const secretOf = () => bot.webhooks.findLast((w) => w.url === created.webhookUrl)!.secret_token!;
  return {
    bot,
    srv,
    admin,
    created,
    hook,
    accountId: srv.demo!.accountId,
    secret: () => secretOf(),
    post: (body: unknown, secret?: string | null) =>
      fetch(hook, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret ?? secretOf() }),
        },
        body: JSON.stringify(body),
      }),
    async close() {
      await srv.close();
      await bot.close();
    },
  };
}
