import { type CompiledMasking, compileMasking, maskText } from '@beckon/core/masking/message-masking';
import type { Bus } from '../bus/bus.ts';
import type { AppContext } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/** Bus topic on which a node says an account's masking changed; every node forgets its copy. */
const CHANGED_TOPIC = 'masking.changed';
/** Longest a copy is used while other nodes' changes are heard. */
const TRUSTED_TTL_MS = 30_000;
/** ... and while they are not (the bus is down): a change elsewhere applies within a second. */
const UNTRUSTED_TTL_MS = 1_000;

interface Copy {
  rules?: CompiledMasking;
  loading: Promise<CompiledMasking>;
  at: number;
  trusted: boolean;
}

/**
 * Per node: each account's masking rules, compiled, so a message is masked without a read. The
 * message writer masks every line here before it is stored, so what the store, the logs, the
 * domain events (webhooks, automation, bots, Slack) and a model read is the masked text. A change
 * on any node is forgotten on all (bus topic `masking.changed`); while the bus is down a copy
 * lasts a second.
 */
export class MessageMasker {
  private readonly copies = new Map<string, Copy>();
  private listening = false;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts hearing other nodes' changes. */
  async start(): Promise<void> {
    try {
      await this.bus.subscribe(CHANGED_TOPIC, (m) => {
        const id = (m as { accountId?: unknown })?.accountId;
        if (typeof id === 'string') this.copies.delete(id);
      });
      this.listening = true;
    } catch (err) {
      this.log.warn({ err }, 'masking changes not heard: each account reads its rules every second');
    }
  }

  /** The account's rules: at once when this node has them, else once read. */
  rules(accountId: string): CompiledMasking | Promise<CompiledMasking> {
    const now = this.clock();
    const trusted = this.listening && this.bus.health().ok;
    const copy = this.copies.get(accountId);
    if (copy && (copy.trusted && trusted ? TRUSTED_TTL_MS : UNTRUSTED_TTL_MS) > now - copy.at)
      return copy.rules ?? copy.loading;
    const fresh: Copy = {
      at: now,
      trusted,
      loading: this.store.masking.get(accountId).then(compileMasking),
    };
    fresh.loading.then(
      (rules) => {
        fresh.rules = rules;
      },
      () => {
        if (this.copies.get(accountId) === fresh) this.copies.delete(accountId);
      },
    );
    this.copies.set(accountId, fresh);
    // A copy that was ready goes on serving while the new one loads: no line waits for a read.
    return copy?.rules ?? fresh.loading;
  }

  /** `text` masked by the account's rules. */
  async mask(accountId: string, text: string): Promise<string> {
    if (!text) return text;
    return maskText(text, await this.rules(accountId));
  }

  /** Forgets the account's rules here and on every node (after they were written). */
  changed(accountId: string): void {
    this.copies.delete(accountId);
    this.bus.publish(CHANGED_TOPIC, { accountId }).catch((err: unknown) => {
      this.log.warn({ err, accountId }, 'masking change not published; other nodes apply it within 30 s');
    });
  }
}

const maskers = new WeakMap<AppContext, MessageMasker>();

/** The node's masker, made and started on first use. */
export function maskerOf(ctx: AppContext): MessageMasker {
  let m = maskers.get(ctx);
  if (!m) {
    m = new MessageMasker(ctx.store, ctx.bus, ctx.logger.child({ component: 'masking' }));
    maskers.set(ctx, m);
    void m.start();
  }
  return m;
}
