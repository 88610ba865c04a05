import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { type AddressPolicy, permitted } from './egress-address.ts';
import { EgressError } from './egress-error.ts';

/** Opens a connection for a request; tests put one that fails loudly in place of the real one. */
export type Connector = (options: { host: string; port: number; tls: boolean }) => Duplex;

type Callback = (err: Error | null, socket?: Duplex) => void;

/** How long an idle kept-alive connection is kept (ms), unless the server announces less. */
export const IDLE_MS = 30_000;

/**
 * The keep-alive agents egress requests use. Each connection is checked once more as it is made:
 * its host must be an address the policy permits (the request names the checked address, never a
 * name), so nothing reaches a private address even if a caller passed one by mistake.
 *
 * An idle connection is closed after `idleMs`, or a second before the server's own announced
 * keep-alive (`Keep-Alive: timeout=5` from Node, Apache): Node's agent honours that announcement
 * only when it has a timeout of its own. Without one, a connection was kept past the server's close
 * and the next request could be written into it as the server closed it, and lost.
 */
export function egressAgents(policy: AddressPolicy, connect?: Connector, idleMs = IDLE_MS) {
  const guard = (
    options: { host?: string | null; port?: number | string | null },
    tls: boolean,
    cb: Callback,
    open: () => Duplex,
  ) => {
    const host = options.host ?? '';
    const port = Number(options.port);
    if (!permitted(policy, host, port)) {
      cb(new EgressError('private_address', `${host} is a private address`));
      return undefined;
    }
    try {
      return connect ? connect({ host, port, tls }) : open();
    } catch (err) {
      cb(err as Error);
      return undefined;
    }
  };
  class HttpAgent extends http.Agent {
    override createConnection(options: http.ClientRequestArgs, cb: Callback) {
      return guard(options, false, cb, () => super.createConnection(options, cb) as Duplex);
    }
  }
  class HttpsAgent extends https.Agent {
    override createConnection(options: http.ClientRequestArgs, cb: Callback) {
      return guard(options, true, cb, () => super.createConnection(options, cb) as Duplex);
    }
  }
  const opts = { keepAlive: true, maxSockets: 256, timeout: idleMs };
  return { http: new HttpAgent(opts), https: new HttpsAgent(opts) };
}
