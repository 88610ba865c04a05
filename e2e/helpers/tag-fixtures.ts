import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Page } from 'playwright-core';
import { ApiClient } from '../../packages/server/test/helpers/api-client.ts';
import { DEMO_ADMIN, type TestServer } from '../../packages/server/test/helpers/test-server.ts';

/** A parsed wire frame or event; tests check fields one by one, so loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: frames are asserted field by field against the protocol
export type Wire = any;

/** Wire frames one page's tag sent and received, parsed, in order (all its sockets together). */
export interface FrameLog {
  sent: Wire[];
  received: Wire[];
  /** URLs of every WebSocket the page opened. */
  sockets: string[];
  closed: number;
}

/** Records the page's WebSocket traffic as Chromium sees it. */
export function recordFrames(page: Page): FrameLog {
  const log: FrameLog = { sent: [], received: [], sockets: [], closed: 0 };
  const parse = (payload: string | Buffer) => {
    try {
      return JSON.parse(String(payload));
    } catch {
      return { unparsed: String(payload) };
    }
  };
  page.on('websocket', (ws) => {
    log.sockets.push(ws.url());
    ws.on('framesent', (f) => log.sent.push(parse(f.payload)));
    ws.on('framereceived', (f) => log.received.push(parse(f.payload)));
    ws.on('close', () => log.closed++);
  });
  return log;
}

/** Every event the tag sent in batch frames. */
export const sentEvents = (log: FrameLog): Wire[] =>
  log.sent.filter((f) => f.type === 'batch').flatMap((f) => f.events);

/** Evaluates `js` with `root` bound to the widget's shadow root (undefined until the tag has mounted it). */
export const inShadow = <T>(page: Page, js: string): Promise<T> =>
  page.evaluate(
    `(() => { const root = document.querySelector('beckon-widget')?.shadowRoot; return ${js}; })()`,
  );

/** Texts of the message bubbles in the chat log, in order; none before the widget has mounted. */
export const bubbles = (page: Page) =>
  inShadow<string[]>(
    page,
    `root ? [...root.querySelectorAll('.log .bubble')].map((b) => b.textContent) : []`,
  );

/** Polls `check` until it returns something truthy, or fails saying what was awaited. */
export async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 8000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plain web server on another origin (127.0.0.1, its own port), standing in for a customer's site. */
export interface OriginServer {
  url: string;
  /** Serves `body` at `path` with extra headers (e.g. a Content-Security-Policy). */
  page(path: string, body: string, headers?: Record<string, string>): void;
  requests: string[];
  close(): Promise<void>;
}

export async function startOriginServer(): Promise<OriginServer> {
  const pages = new Map<string, { body: string; headers: Record<string, string> }>();
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const hit = pages.get((req.url ?? '/').split('?')[0]!);
    if (!hit) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...hit.headers }).end(hit.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    page: (path, body, headers = {}) => void pages.set(path, { body, headers }),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The demo owner, signed in to the REST API of a test server. */
export async function demoAdmin(srv: TestServer): Promise<ApiClient> {
  const admin = new ApiClient(srv.node.app);
  const res = await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  if (res.status !== 200) throw new Error(`demo login failed: ${res.status}`);
  return admin;
}

/** A plain customer page with the tag snippet as a site owner pastes it (plus optional extras in <head>). */
export function customerPage(
  beckonUrl: string,
  siteKey: string,
  opts: { head?: string; body?: string; consent?: boolean } = {},
): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Acme Outdoor — tents</title>
    ${opts.head ?? ''}
    <script async src="${beckonUrl}/t/${siteKey}.js"${opts.consent ? ' data-consent="required"' : ''}></script>
  </head>
  <body>
    <h1>Acme Outdoor</h1>
    <p>Tents, stoves and everything for a night outside.</p>
    <input id="search" aria-label="Search">
    ${opts.body ?? ''}
  </body>
</html>`;
}

/**
 * Puts the test between the page's tag and the real gateway: frames pass through both ways and
 * are recorded, and `inject` hands the page a frame as if the server had sent it (an `engage`).
 */
export async function interceptVisitorSocket(
  page: Page,
): Promise<FrameLog & { inject(frame: object): Promise<void> }> {
  const log: FrameLog = { sent: [], received: [], sockets: [], closed: 0 };
  let toPage: ((text: string) => void) | undefined;
  await page.routeWebSocket(/\/v1\/visitor/, (ws) => {
    log.sockets.push(ws.url());
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      log.sent.push(JSON.parse(String(m)));
      server.send(m);
    });
    server.onMessage((m) => {
      log.received.push(JSON.parse(String(m)));
      ws.send(m);
    });
    toPage = (text) => ws.send(text);
  });
  return Object.assign(log, {
    async inject(frame: object) {
      await until(() => log.received.some((f) => f.type === 'welcome'), 'the welcome before injecting');
      toPage!(JSON.stringify(frame));
    },
  });
}

/** An `engage` frame as the gateway sends it. */
export function engageFrame(exposureId: string, engagement: object, agentName?: string): object {
  return {
    type: 'engage',
    exposureId,
    campaignId: 'cmp_e2e',
    engagement,
    ...(agentName ? { agentName } : {}),
  };
}

/**
 * An agent invites the visitor on `page` to chat with `message`; the visitor takes it up in the
 * widget and `agent` accepts. Resolves with the conversation's id once the widget shows the agent.
 */
export async function invitedChat(
  page: Page,
  admin: ApiClient,
  agent: AgentChatClient,
  invite: { visitorId: string; skillId: string; message: string },
): Promise<string> {
  const { visitorId, ...body } = invite;
  const invited = await admin.post(`/api/v1/visitors/${visitorId}/invite`, body);
  if (invited.status !== 201) throw new Error(`invite: ${invited.status} ${JSON.stringify(invited.body)}`);
  const widget = page.locator('beckon-widget');
  await widget.getByRole('alertdialog').getByRole('button', { name: 'Start chat' }).click();
  const form = widget.getByRole('form', { name: 'Before we start' });
  const offered = agent.next('offer', () => true, 20_000);
  await form.getByRole('button', { name: 'Start chat' }).click();
  const id = (await offered).conversation.id;
  await agent.accept(id);
  await widget.getByText('Online now').waitFor();
  return id;
}
