import { setTimeout as sleep } from 'node:timers/promises';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { ChaosAccount } from './chaos-cluster.ts';
import type { NodeProcess } from './node-process.ts';

/** One chat started by `ChatArrivals`: where, when, and its visitor's socket. */
export interface ArrivedChat {
  id: string;
  node: NodeProcess;
  at: number;
  visitor: VisitorChatClient;
}

/**
 * New Sales chats at a steady rate, round-robin over the nodes given (which may change, say after
 * one is killed); a chat's start time is when its visitor asked, before the socket opened.
 */
export class ChatArrivals {
  readonly started: ArrivedChat[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    account: ChaosAccount,
    public nodes: NodeProcess[],
    perSecond: number,
  ) {
    this.loop = (async () => {
      for (let n = 0; this.running; n++) {
        const node = this.nodes[n % this.nodes.length]!;
        const at = Date.now();
        VisitorChatClient.start(node.url, account.siteKey, {
          skillId: account.salesSkillId,
          visitorId: `n${n}-${Math.random().toString(36).slice(2, 8)}`,
        }).then(
          (visitor) => this.started.push({ id: visitor.conversation.id, node, at, visitor }),
          () => {},
        );
        await sleep(1000 / perSecond);
      }
    })();
  }

  /** Chats started on `node` at or after `from`. */
  startedOn(node: NodeProcess, from: number): ArrivedChat[] {
    return this.started.filter((s) => s.node === node && s.at >= from);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.all(this.started.map((s) => s.visitor.close().catch(() => {})));
  }
}
