import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

/** One `/translate` request as LibreTranslate documents it. */
export interface TranslateRequestBody {
  q: string;
  source: string;
  target: string;
  format?: string;
  api_key?: string;
}

/**
 * Fixed translations the stand-in knows, by `source>target` and text; any other text comes back
 * as `[target] text`, so a test (and a person reading a screenshot) sees which way it went.
 */
export const PHRASES: Record<string, Record<string, string>> = {
  'es>en': {
    'Hola, ¿dónde está mi pedido? Lo compré hace una semana.':
      'Hello, where is my order? I bought it a week ago.',
    'Muchas gracias por la ayuda, que tengan un buen día.':
      'Thank you very much for the help, have a nice day.',
  },
  'de>en': {
    'Hallo, meine Rechnung ist falsch. Können Sie mir helfen?':
      'Hello, my invoice is wrong. Can you help me?',
  },
  'en>es': {
    'Your order left our warehouse yesterday and arrives on Friday.':
      'Su pedido salió de nuestro almacén ayer y llega el viernes.',
  },
  'en>de': {
    'I have corrected your invoice and sent it again.':
      'Ich habe Ihre Rechnung korrigiert und erneut gesendet.',
  },
};

/**
 * A local server speaking LibreTranslate's `POST /translate` (JSON `{ q, source, target, format }`
 * → `{ translatedText }`), deterministic: it records each request and can be put down.
 */
export class LibreTranslateServer {
  readonly received: TranslateRequestBody[] = [];
  /** While true, every request gets a 503 as a server that is down behind a proxy would. */
  down = false;
  /** When set, a request without this `api_key` gets LibreTranslate's 403 (a server started with `--api-keys`). */
  apiKey: string | null = null;

  private constructor(private readonly server: Server) {}

  static async start(port = 0): Promise<LibreTranslateServer> {
    const server = createServer();
    const self = new LibreTranslateServer(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method !== 'POST' || req.url !== '/translate') return json(404, { error: 'Not Found' });
        if (self.down) return json(503, { error: 'Service Unavailable' });
        let body: TranslateRequestBody;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return json(400, { error: 'Invalid request: missing q parameter' });
        }
        self.received.push(body);
        if (self.apiKey !== null && body.api_key !== self.apiKey)
          return json(403, { error: 'Invalid API key' });
        if (typeof body.q !== 'string' || !body.source || !body.target)
          return json(400, { error: 'Invalid request: missing q, source or target parameter' });
        const known = PHRASES[`${body.source}>${body.target}`]?.[body.q];
        json(200, { translatedText: known ?? `[${body.target}] ${body.q}` });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return self;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }
}
