import type { Store } from '../../../packages/server/src/store/store.ts';

/** Topics a shop's help centre covers; each becomes an article and a canned response. */
const TOPICS = [
  [
    'Stock and sizes',
    'stock',
    'Every jacket page shows the sizes in stock. Size M of the blue jacket is back in stock this week.',
  ],
  [
    'Shipping times',
    'ship',
    'Orders placed before 2 pm ship the same day and arrive within two working days, by Friday for Wednesday orders.',
  ],
  [
    'Returns',
    'return',
    'You can return any item within 30 days. Print the label from your account and drop the parcel at any post office.',
  ],
  [
    'Refunds',
    'refund',
    'Refunds reach your card within five working days of the return arriving at our warehouse.',
  ],
  ['Order status', 'order', 'Your order status and its tracking link are in your account under Orders.'],
  ['Payment methods', 'pay', 'We take cards, PayPal and invoices; invoices are due within 14 days.'],
  ['Gift cards', 'gift', 'Gift cards are valid for three years and can be used for part of an order.'],
  ['Size guide', 'size', 'Our size guide lists chest and waist measurements; jackets run one size small.'],
  ['Exchanges', 'exchange', 'To exchange a size, return the item and place a new order: it ships at once.'],
  [
    'Delivery abroad',
    'abroad',
    'We ship to the EU, Switzerland and the UK; delivery abroad takes three to five days.',
  ],
] as const;

/**
 * The assist workload's account setup: assist on (with the model at `modelUrl`, or none), and a
 * help centre to search — for each topic a knowledge article and a canned response, repeated with
 * variations to `articles` articles, so a customer's line finds real candidates.
 */
export async function seedAssist(
  store: Store,
  accountId: string,
  modelUrl: string,
  articles: number,
): Promise<void> {
  await store.assist.save(accountId, {
    enabled: true,
    baseUrl: modelUrl,
    model: modelUrl ? 'bench-model' : '',
    translation: { provider: 'model' },
    intents: ['order status', 'return', 'pricing'],
  });
  for (let i = 0; i < articles; i++) {
    const [title, shortcut, body] = TOPICS[i % TOPICS.length]!;
    const round = Math.floor(i / TOPICS.length);
    await store.knowledge.create(accountId, {
      title: round ? `${title} (${round + 1})` : title,
      body: `${body} ${round ? `See also part ${round + 1} of our ${title.toLowerCase()} pages.` : ''}`.trim(),
    });
    if (round === 0) await store.cannedResponses.create(accountId, { shortcut, title, text: body });
  }
}
