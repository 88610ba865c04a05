import type { Page, WebSocketRoute } from 'playwright-core';
import type { Wire } from './tag-fixtures.ts';

/**
 * Stands between the widget's chat socket (`/v1/chat`) and the real server, so a test can cut
 * the connection, keep the server unreachable for a while, or lose the server's acks on the way.
 */
export interface ChatProxy {
  /** Frames the page sent and received, parsed, over every connection. */
  sent: Wire[];
  received: Wire[];
  /** Connections the page opened (including refused ones). */
  connections: number;
  /** While true, new connections are refused at once (the server seems down). */
  down: boolean;
  /** While true, `ack` frames from the server never reach the page. */
  dropAcks: boolean;
  /** Closes the page's current connection as a network failure would. */
  cut(): Promise<void>;
}

export async function proxyChatSocket(page: Page): Promise<ChatProxy> {
  let current: WebSocketRoute | undefined;
  const proxy: ChatProxy = {
    sent: [],
    received: [],
    connections: 0,
    down: false,
    dropAcks: false,
    async cut() {
      const ws = current;
      current = undefined;
      await ws?.close({ code: 4000, reason: 'cut by the test' });
    },
  };
  await page.routeWebSocket(/\/v1\/chat/, (ws) => {
    proxy.connections++;
    if (proxy.down) {
      void ws.close({ code: 1011, reason: 'server unreachable' });
      return;
    }
    current = ws;
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      proxy.sent.push(JSON.parse(String(m)));
      server.send(m);
    });
    server.onMessage((m) => {
      const frame = JSON.parse(String(m));
      if (current !== ws) return;
      if (frame.type === 'ack' && proxy.dropAcks) return;
      proxy.received.push(frame);
      ws.send(m);
    });
    ws.onClose(() => void server.close().catch(() => {}));
    server.onClose(() => void ws.close().catch(() => {}));
  });
  return proxy;
}
