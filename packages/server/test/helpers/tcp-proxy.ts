import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './private-redis.ts';

/** How a cut looks to the node: connections reset at once, or a silent network that drops everything. */
export type CutMode = 'reset' | 'hang';

/**
 * A TCP proxy between one node and one service (PostgreSQL or Redis), to cut the network between
 * them and heal it. `reset` destroys every connection with a RST and refuses new ones; `hang`
 * stops moving bytes (old and new connections stay open, silent) until `heal()`, when the held
 * bytes flow again, as after a network partition that TCP rides out.
 */
export interface TcpProxy {
  port: number;
  /** The local ports of the proxy's own connections to the service (how the service sees this node). */
  upstreamPorts(): Set<number>;
  cut(mode: CutMode): void;
  heal(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const port = await freePort();
  const pairs = new Set<Pair>();
  const ports = new Set<number>();
  let mode: 'open' | CutMode = 'open';

  const drop = (p: Pair) => {
    pairs.delete(p);
    if (p.upstream?.localPort) ports.delete(p.upstream.localPort);
    p.client.destroy();
    p.upstream?.destroy();
  };
  const link = (p: Pair) => {
    const up = connect(targetPort, targetHost);
    p.upstream = up;
    up.once('connect', () => {
      if (up.localPort) ports.add(up.localPort);
    });
    up.on('error', () => drop(p));
    up.on('close', () => drop(p));
    p.client.pipe(up);
    up.pipe(p.client);
    if (mode === 'hang') pause(p);
  };
  const pause = (p: Pair) => {
    p.client.pause();
    p.upstream?.pause();
  };
  const server: Server = createServer((client) => {
    const p: Pair = { client };
    client.on('error', () => drop(p));
    client.on('close', () => drop(p));
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    pairs.add(p);
    // A hung network: the connection "opens" but nothing reaches the service until it heals.
    if (mode === 'hang') client.pause();
    else link(p);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    port,
    upstreamPorts: () => ports,
    cut(how) {
      mode = how;
      for (const p of [...pairs]) {
        if (how === 'reset') {
          pairs.delete(p);
          p.client.resetAndDestroy();
          p.upstream?.resetAndDestroy();
        } else pause(p);
      }
    },
    heal() {
      mode = 'open';
      for (const p of pairs) {
        if (!p.upstream) link(p);
        p.client.resume();
        p.upstream?.resume();
      }
    },
    async close() {
      for (const p of [...pairs]) drop(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
