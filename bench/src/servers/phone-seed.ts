import { chatOf } from '../../../packages/server/src/conversations/chat-module.ts';
import type { BeckonNode } from '../../../packages/server/src/node.ts';
import type { SeededAgent } from '../load/chat-transport-beckon.ts';

/** The trunk the `phone` workload's node registers to (the bench's own registrar), from BENCH_PHONE. */
export interface PhoneSeedInput {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** What the workload dials: number i rings agent i (its own skill, as W3's pairs). */
export interface PhoneSeed {
  numbers: string[];
}

/**
 * W15's trunk and numbers: one trunk at the bench's registrar and one number per agent, routed to
 * that agent's skill. The trunk is registered once the node's gateway connection is up.
 */
export async function seedPhone(
  node: BeckonNode,
  accountId: string,
  agents: SeededAgent[],
  input: PhoneSeedInput,
): Promise<PhoneSeed> {
  const { store } = node.ctx;
  const trunk = await store.phone.createTrunk(accountId, {
    name: 'Bench carrier',
    host: input.host,
    port: input.port,
    transport: 'udp',
    username: input.user,
    password: input.password,
  });
  const numbers: string[] = [];
  for (const [i, agent] of agents.entries()) {
    const number = `+4930100${String(i).padStart(4, '0')}`;
    await store.phone.createNumber(accountId, {
      number,
      trunkId: trunk.id,
      skillId: agent.skillId,
      menu: null,
      hours: null,
      afterHours: null,
    });
    numbers.push(number);
  }
  const credentials = (await store.phone.trunkCredentials(accountId, trunk.id))!;
  // The node connects to the gateway while it starts; until then a registration finds no gateway.
  const deadline = Date.now() + 20_000;
  for (;;) {
    await chatOf(node.ctx)!.phone.register(credentials);
    const status = (await store.phone.trunk(accountId, trunk.id))?.status;
    if (status === 'registered') return { numbers };
    if (Date.now() > deadline) throw new Error(`the bench trunk did not register: ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
