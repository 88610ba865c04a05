import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered with. */
  answered: number;
}

/**
 * A local webhook receiver: records every POST and answers with `status` (a 503 while "down").
 * `handler` may take over a request (slow answers, redirects).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  status = 200;
  handler:
    | ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean)
    | null = null;
  private server!: Server;
  url = '';

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    r.server = createServer((req, res) => {
      if (r.handler?.(req, res)) return;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        r.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          answered: r.status,
        });
        res.writeHead(r.status, { 'content-type': 'text/plain' }).end(r.status < 300 ? 'ok' : 'down for now');
      });
    });
    await new Promise<void>((done) => r.server.listen(0, '127.0.0.1', done));
    r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
    return r;
  }

  /** Requests answered 2xx, by `webhook-id`. */
  acknowledged(): Map<string, Received[]> {
    const out = new Map<string, Received[]>();
    for (const r of this.received) {
      if (r.answered >= 300) continue;
      const id = String(r.headers['webhook-id']);
      out.set(id, [...(out.get(id) ?? []), r]);
    }
    return out;
  }

  events(type?: string): { id: string; type: string; data: Record<string, unknown> }[] {
    return this.received
      .filter((r) => r.answered < 300)
      .map((r) => ({ id: String(r.headers['webhook-id']), ...JSON.parse(r.body) }))
      .filter((e) => !type || e.type === type);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}
