import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEMO_CANNED } from '../src/demo/demo-canned.ts';
import { BUTTON_CHATS, CHECKOUT_CHATS } from '../src/demo/demo-shoppers.ts';

const STOREFRONT = new URL('../src/demo/storefront/', import.meta.url);
/** Every page of the demo store, as text. */
const pages = readdirSync(STOREFRONT)
  .filter((f) => f.endsWith('.html'))
  .map((f) => readFileSync(new URL(f, STOREFRONT), 'utf8'))
  .join('\n');

/** The facts a reply can state that a shopper can check on the store: amounts, delivery times, discount codes. */
const facts = (text: string) => [
  ...(text.match(/\$\d+/g) ?? []),
  ...(text.match(/\d+–\d+ working days/g) ?? []),
  ...(text.match(/\b[A-Z]{3,}\d+\b/g) ?? []),
];

describe('the demo’s replies agree with the demo store', () => {
  it('every amount, delivery time and code in a canned reply is the store’s own', () => {
    const stated = DEMO_CANNED.flatMap((c) => facts(c.text));
    assert.ok(stated.includes('$100'), 'the shipping reply names the free-shipping threshold');
    for (const f of stated) assert.ok(pages.includes(f), `a canned reply says “${f}”, the store does not`);
  });

  it('the simulated chats’ agents say nothing the store contradicts', () => {
    // A script is the tag, then the visitor's and the agent's lines in turn: agents speak at even places.
    const agentLines = [...CHECKOUT_CHATS, ...BUTTON_CHATS].flatMap(([, ...lines]) =>
      lines.filter((_, i) => i % 2 === 1),
    );
    assert.ok(agentLines.length > 5);
    for (const line of agentLines)
      for (const f of facts(line)) assert.ok(pages.includes(f), `“${line}” says “${f}”, the store does not`);
  });
});
