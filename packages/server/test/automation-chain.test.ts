import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import { causeOf, withCause } from '../src/store/automation-chain.ts';

const event = { type: 'conversation.updated', timestamp: '', data: {} } as unknown as WebhookEvent;
const tick = () => new Promise((r) => setImmediate(r));

describe("automation rules' cause", () => {
  it('reaches every await of the actions, each run its own, and nothing after they end', async () => {
    let leftBehind: Promise<readonly string[]> | undefined;
    const seen: Record<string, readonly string[]> = {};
    const action = (name: string, chain: string[]) =>
      withCause(chain, async () => {
        await tick();
        seen[`${name} after a turn`] = causeOf(event);
        await new Promise((r) => setTimeout(r, 5));
        seen[`${name} after a timer`] = causeOf(event);
        // Work the action starts but does not wait for.
        leftBehind ??= new Promise((r) => setTimeout(() => r(causeOf(event)), 30));
      });
    await Promise.all([action('first', ['rule_a']), action('second', ['rule_b', 'rule_c'])]);
    assert.deepEqual(seen, {
      'first after a turn': ['rule_a'],
      'second after a turn': ['rule_b', 'rule_c'],
      'first after a timer': ['rule_a'],
      'second after a timer': ['rule_b', 'rule_c'],
    });
    assert.deepEqual(causeOf(event), [], 'no cause outside a run');
    assert.deepEqual(await leftBehind, [], 'a timer left behind carries no cause once the runs ended');
  });
});
