import type { VisitorGeo } from '@beckon/core';
import type { BusHandler } from '../bus/bus.ts';
import { VisitorContacts } from '../contacts/visitor-contacts.ts';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { type GeoLookup, geoLookupFromEnv } from '../geo/geo-lookup.ts';
import { newId, newTimeId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { Heartbeat } from '../realtime/heartbeat.ts';
import { scoringOf } from '../scoring/scoring-runtime.ts';
import { TargetingRegistry } from './account-targeting.ts';
import { AckGate } from './ack-gate.ts';
import { type CapacityCheck, routingCapacity } from './capacity.ts';
import { type EngagementConfig, loadEngagementConfig } from './engagement-config.ts';
import { createEngagementMetrics, type EngagementMetrics } from './engagement-metrics.ts';
import type { WebSocketLike } from './live-visitor.ts';
import { ProactiveMessages } from './proactive-messages.ts';
import { AddressLimiter } from './rate-limiter.ts';
import { SiteDirectory, type SiteInfo } from './site-directory.ts';
import { Tracker } from './tracker.ts';
import { VisitorConnection } from './visitor-connection.ts';

const CAMPAIGNS_TOPIC = 'engagement.campaigns';
/** A site's settings changed: every node drops its cached copy (SiteDirectory). */
const SITES_TOPIC = 'engagement.sites';

/**
 * Everything behind the visitor endpoints of one node: site lookup, rate limits, campaigns per
 * account, the capacity check and the tracker. Built once per node (see `engagementOf`); the
 * gateway, the beacon route, the REST routes, tests and benchmarks all go through it.
 */
export class EngagementRuntime {
  readonly config: EngagementConfig;
  readonly metrics: EngagementMetrics;
  readonly sites: SiteDirectory;
  readonly addresses: AddressLimiter;
  readonly targeting: TargetingRegistry;
  readonly tracker: Tracker;
  /** Turns identify and the personal and customer attributes into contacts, off the event path. */
  readonly contacts: VisitorContacts;
  /** Stores campaigns' messages to contacts (e-mail, app), off the event path. */
  readonly proactive: ProactiveMessages;
  /** Pings every visitor socket; silent ones are closed with 4408. */
  readonly heartbeat: Heartbeat;
  /** Holds batch acks back while the events writer's backlog is too long. */
  readonly acks: AckGate;
  /** Whether a chat skill can take a chat now (routing's view, cached briefly). */
  capacity: CapacityCheck;
  /** Where visitors are, from their address (the offline database; tests may put their own). */
  geo: GeoLookup;
  readonly nodeId = newId('node');
  private readonly log: Logger;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly unsubscribes: (() => Promise<void>)[] = [];

  constructor(
    private readonly ctx: AppContext,
    config: EngagementConfig = loadEngagementConfig(),
  ) {
    this.config = config;
    this.log = ctx.logger.child({ component: 'engagement' });
    this.metrics = createEngagementMetrics(
      ctx.metrics.registry,
      () => this.tracker.size,
      () => ctx.store.eventsWriter.pending,
    );
    const writer = ctx.store.eventsWriter;
    writer.configure({ flushIntervalMs: config.writerFlushMs, maxRows: config.writerMaxRows });
    writer.observe({
      flushed: (rows, seconds) => {
        this.metrics.writerRows.inc(rows);
        this.metrics.writerFlush.observe(seconds);
      },
      failed: (err, willRetry) => {
        this.metrics.writerFailures.inc();
        this.log.error({ err, willRetry }, 'event batch write failed');
      },
      dropped: (rows) => {
        this.metrics.writerDropped.inc(rows);
        this.log.error({ rows }, 'event rows dropped');
      },
    });
    this.sites = new SiteDirectory(ctx.store, config.siteCacheMs);
    this.heartbeat = new Heartbeat(config.heartbeatMs);
    this.acks = new AckGate(() => writer.pending, config.writerBacklogRows);
    this.addresses = new AddressLimiter(config.addressFrames, config.addressConnects);
    this.geo = geoLookupFromEnv(ctx.config.dataDir, this.log.child({ part: 'geo' }));
    // Who is connected comes from the chat module's presence (registered after this runtime).
    const noOne: ReadonlySet<string> = new Set();
    this.capacity = routingCapacity(
      ctx.store,
      async (accountId) => (await chatOf(ctx)?.presence.connected(accountId)) ?? noOne,
      config.capacityTtlMs,
      (err) => this.log.error({ err }, 'capacity check failed'),
    );
    const scoring = scoringOf(ctx);
    this.targeting = new TargetingRegistry(
      ctx.store,
      () => this.capacity,
      {
        newExposureId: () => newTimeId('exp'),
        capacityRetryMs: config.capacityRetryMs,
        upliftModel: scoring.uplift.has,
      },
      this.log,
      scoring.bands.admits,
    );
    this.contacts = new VisitorContacts(ctx.store, this.log.child({ part: 'contacts' }));
    // The chat module (registered after this runtime) chooses skills and announces lines.
    this.proactive = new ProactiveMessages({
      store: ctx.store,
      writer,
      log: this.log.child({ part: 'proactive' }),
      registry: ctx.metrics.registry,
      chooseSkill: async (accountId) => (await chatOf(ctx)?.visitors.chooseSkill(accountId, {})) ?? null,
      append: async (item) => {
        const chat = chatOf(ctx);
        return chat ? chat.announcer.writer.append(item) : (await ctx.store.messages.appendBatch([item]))[0]!;
      },
      started: (accountId, conversation) =>
        chatOf(ctx)?.events.toAccount(accountId, { t: 'conversation.updated', conversation }),
    });
    this.tracker = new Tracker({
      store: ctx.store,
      writer,
      config,
      metrics: this.metrics,
      targeting: this.targeting,
      log: this.log,
      newId: newTimeId,
      scoring,
      contacts: this.contacts,
      proactive: this.proactive,
    });
    this.contacts.onLinked = (siteId, visitorId, contactId) =>
      this.tracker.linkContact(siteId, visitorId, contactId);
  }

  /** Starts the sweeper and listens for campaign and site changes made on other nodes. */
  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.sweeper.unref();
    this.listen(CAMPAIGNS_TOPIC, 'campaign', (m) => {
      const msg = m as { accountId?: string; nodeId?: string };
      if (typeof msg?.accountId === 'string' && msg.nodeId !== this.nodeId) {
        void this.targeting.reload(msg.accountId);
      }
    });
    this.listen(SITES_TOPIC, 'site', (m) => {
      const siteKey = (m as { siteKey?: unknown })?.siteKey;
      if (typeof siteKey === 'string') this.sites.forget(siteKey);
    });
  }

  /** Subscribes to a topic of change notices until `close`; a failed subscription is logged. */
  private listen(topic: string, what: string, onMessage: BusHandler): void {
    this.ctx.bus
      .subscribe(topic, onMessage)
      .then((unsub) => {
        this.unsubscribes.push(unsub);
      })
      .catch((err) => this.log.error({ err }, `${what} change subscription failed`));
  }

  /**
   * Where the visitor at this address is, looked up once per connection and before the address is
   * cut (a site that anonymises addresses keeps only this coarse result). Never throws.
   */
  async locate(address: string): Promise<VisitorGeo | null> {
    try {
      return await this.geo.lookup(address);
    } catch (err) {
      this.log.warn({ err }, 'geolocation failed; the visitor has no location');
      return null;
    }
  }

  /** Serves the visitor protocol on an accepted socket (the `ws` socket, or a fake one in benchmarks). */
  accept(
    socket: WebSocketLike,
    site: SiteInfo,
    address: string,
    geo: VisitorGeo | null = null,
  ): VisitorConnection {
    return new VisitorConnection(socket, site, this.addresses.framesOf(address, Date.now()), geo, {
      tracker: this.tracker,
      acks: this.acks,
      config: this.config,
      metrics: this.metrics,
      log: this.log,
    });
  }

  /** Recompiles an account's campaigns here (awaited, so the next event sees them) and tells other nodes. */
  async campaignsChanged(accountId: string): Promise<void> {
    await this.targeting.reload(accountId);
    await this.ctx.bus
      .publish(CAMPAIGNS_TOPIC, { accountId, nodeId: this.nodeId })
      .catch((err) => this.log.error({ err }, 'campaign change publish failed'));
  }

  /**
   * A site's allow-list or time zone changed (or it was deleted): this node reads it again at the
   * next connection, and so does every other node once the bus tells it.
   */
  async siteChanged(siteKey: string): Promise<void> {
    this.sites.forget(siteKey);
    await this.ctx.bus
      .publish(SITES_TOPIC, { siteKey })
      .catch((err) => this.log.error({ err }, 'site change publish failed'));
  }

  /** One sweep: evict idle visitors, snapshot active ones, forget refilled buckets, poll campaign changes. */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.tracker.sweep(now);
      this.addresses.sweep(now);
      await this.targeting.poll(now, this.config.campaignPollMs);
    } catch (err) {
      this.log.error({ err }, 'visitor sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  /** Shutdown: stop timers, snapshot every visitor, flush the writer. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.heartbeat.stop();
    this.acks.close();
    this.capacity.close();
    for (const unsubscribe of this.unsubscribes) await unsubscribe().catch(() => {});
    await this.proactive.idle();
    await this.tracker.close();
    await this.contacts.idle();
  }
}

const runtimes = new WeakMap<AppContext, EngagementRuntime>();

/** The node's engagement runtime, created (and started, with its shutdown hook) on first use. */
export function engagementOf(ctx: AppContext): EngagementRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    rt = new EngagementRuntime(ctx);
    runtimes.set(ctx, rt);
    rt.start();
    const started = rt;
    ctx.onShutdown(() => started.close());
  }
  return rt;
}
