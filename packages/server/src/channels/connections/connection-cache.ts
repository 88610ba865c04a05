import type { Bus } from '../../bus/bus.ts';
import type { Logger } from '../../logger.ts';
import type { ChannelConnection, ConnectionType } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';

/** Bus topic on which a node says a connection changed or went; every node forgets its copy. */
const CHANGED_TOPIC = 'channels.connection.changed';
/** Longest a copy is used without reading the store, whatever the bus said. */
const CONNECTION_TTL_MS = 30_000;

/**
 * Per node: the connections webhooks name, with their credentials opened, so a delivery costs no
 * read and no decryption of its connection. A connection changed or removed on any node is
 * forgotten on all of them (the repository reports its own writes, the bus carries them); while
 * the bus is down every delivery reads the store, as before.
 */
export class ConnectionCache {
  private readonly copies = new Map<string, { conn: ChannelConnection; at: number }>();
  private listening = false;
  /** Moves on every change heard: a read that a change overtook is not kept. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts hearing other nodes' changes and reporting this node's. */
  async start(): Promise<void> {
    this.store.channelConnections.onChange((id) => {
      this.forget(id);
      this.bus.publish(CHANGED_TOPIC, { id }).catch((err: unknown) => {
        this.log.warn({ err, connection: id }, 'connection change not published');
      });
    });
    try {
      await this.bus.subscribe(CHANGED_TOPIC, (m) => {
        const id = (m as { id?: unknown })?.id;
        if (typeof id === 'string') this.forget(id);
      });
      this.listening = true;
    } catch (err) {
      this.log.warn({ err }, 'connection changes not heard: every webhook reads its connection');
    }
  }

  /** The connection of a webhook, or undefined when there is none of that type and id. */
  async forWebhook(type: ConnectionType, id: string): Promise<ChannelConnection | undefined> {
    const trusted = this.listening && this.bus.health().ok;
    if (!trusted) this.copies.clear();
    const copy = trusted ? this.copies.get(id) : undefined;
    if (copy && copy.conn.type === type && this.clock() - copy.at < CONNECTION_TTL_MS) return copy.conn;
    const at = this.clock();
    const generation = this.generation;
    const conn = await this.store.channelConnections.forWebhook(type, id);
    if (conn && trusted && generation === this.generation) this.copies.set(id, { conn, at });
    return conn;
  }

  private forget(id: string): void {
    this.generation++;
    this.copies.delete(id);
  }
}
