/**
 * A terminal chat with a Beckon site's agents, using only the SDK: the shape of an app's
 * messaging screen. Run it against `npm start`'s demo (see the README):
 *
 *   BECKON_SITE_KEY=… BECKON_USER_HASH=… npx tsx packages/sdk/examples/terminal-chat.ts
 *
 * A real app gets `userHash` from its own server, which keys it with the site's identity secret;
 * for a try on your machine, `BECKON_IDENTITY_SECRET` lets this script compute it itself.
 */
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { createNodeMessagingClient, type MessagingMessage } from '../src/messaging/node.ts';

const baseUrl = process.env.BECKON_URL ?? 'http://localhost:3000';
const siteKey = process.env.BECKON_SITE_KEY;
const userId = process.env.BECKON_USER_ID ?? 'terminal-user';
const secret = process.env.BECKON_IDENTITY_SECRET;
const userHash =
  process.env.BECKON_USER_HASH ??
  (secret ? createHmac('sha256', secret).update(userId).digest('hex') : undefined);
if (!siteKey || !userHash) {
  console.error(
    'Set BECKON_SITE_KEY, and BECKON_USER_HASH or BECKON_IDENTITY_SECRET (see packages/sdk/README.md).',
  );
  process.exit(2);
}

const client = createNodeMessagingClient({ baseUrl, siteKey });
const say = (line: string) => process.stdout.write(`${line}\n`);
const show = (m: MessagingMessage) => {
  const who = m.senderKind === 'visitor' ? 'you' : (m.senderName ?? m.senderKind);
  say(`[${new Date(m.createdAt).toLocaleTimeString()}] ${who}: ${m.text}`);
};
client.on('message', (m) => {
  show(m);
  void client.markRead();
});
client.on('error', (err) => console.error(`! ${err.code}: ${err.message}`));

const session = await client.identify({
  userId,
  userHash,
  name: process.env.BECKON_USER_NAME ?? 'Terminal user',
});
say(`Signed in as ${userId} (contact ${session.contactId}). Type a message; /quit leaves.`);
for (const m of await client.history()) show(m);
const unread = await client.unreadCount();
if (unread > 0) say(`(${unread} unread)`);
await client.markRead();

const rl = createInterface({ input: process.stdin, output: process.stdout });
for await (const line of rl) {
  const text = line.trim();
  if (text === '/quit') break;
  if (!text) continue;
  try {
    await client.send(text);
  } catch (err) {
    console.error(`! not sent: ${(err as Error).message}`);
  }
}
rl.close();
client.close();
