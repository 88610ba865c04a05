import http2, { type ClientHttp2Session } from 'node:http2';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { classifyHost } from './address-policy.ts';
import { portOf } from './egress-address.ts';
import type { Connector } from './egress-agents.ts';

/**
 * An HTTP/2 session (APNs) to an address the egress already checked: the socket is opened to
 * that address (TLS still verifies the URL's name), so no lookup happens after the check.
 */
export function http2Session(url: URL, address: string, connect?: Connector): ClientHttp2Session {
  const port = portOf(url);
  const secure = url.protocol === 'https:';
  const name = classifyHost(url.hostname);
  const servername = name.kind === 'address' ? undefined : url.hostname.replace(/\.+$/, '');
  const open = (): Duplex => {
    if (connect) return connect({ host: address, port, tls: secure });
    if (!secure) return net.connect({ host: address, port });
    return tls.connect({ host: address, port, ALPNProtocols: ['h2'], ...(servername ? { servername } : {}) });
  };
  return http2.connect(url.origin, { createConnection: open });
}
