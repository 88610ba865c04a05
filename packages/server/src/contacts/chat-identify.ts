import type { IdentifyInput, IdentifyResult } from '@beckon/protocol/contacts-api';
import type { VisitorSite } from '../conversations/visitor-chat-service.ts';
import { newVisitorToken } from '../conversations/visitor-token.ts';
import { forbidden } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { identify } from './contact-identity.ts';

/** Channels whose conversations a signed-in user picks up on another device with a token. */
const REOPENED_CHANNELS = new Set(['web', 'app']);
/** A conversation still going on (anything but closed or resolved). */
const isOpen = (status: string) => status !== 'closed' && status !== 'resolved';

/**
 * A signed-in user of a site identifies over REST (the SDK, the widget). Only a verified identity
 * gets here past `identify`: it then takes the caller's current chat (proved by its token), and
 * gets a fresh token of its latest open web or app conversation, so the same user on a second
 * device continues it. A token of another verified user's chat (the browser was theirs before)
 * is revoked and the caller told to let go of it. An unverified caller is refused before anything
 * is read or linked.
 */
export async function identifyChat(
  store: Store,
  site: VisitorSite,
  input: IdentifyInput,
  current: {
    accountId: string;
    conversation: { id: string; siteId: string | null; contactId: string | null };
    /** The hash of the token that proved it. */
    tokenHash: string;
  } | null,
  now = Date.now(),
): Promise<IdentifyResult> {
  if (current && (current.accountId !== site.accountId || current.conversation.siteId !== site.id)) {
    throw forbidden('the conversation token belongs to another site');
  }
  const found = await identify(
    store,
    {
      accountId: site.accountId,
      siteId: site.id,
      visitorId: input.visitorId ?? null,
      userId: input.userId,
      userHash: input.userHash,
      email: input.email ?? null,
      name: input.name ?? null,
      phone: input.phone ?? null,
    },
    now,
  );
  // The schema requires a userHash, so a contact here is always verified.
  const contact = found!.contact;
  let released = false;
  if (current && current.conversation.contactId !== contact.id) {
    // The chat moves to the signed-in user unless another verified user holds it already: then
    // this browser's token stops opening it, so the new user never reads it.
    const holder = current.conversation.contactId
      ? await store.contacts.find(site.accountId, current.conversation.contactId)
      : undefined;
    if (!holder?.verified)
      await store.conversations.setContact(site.accountId, current.conversation.id, contact.id);
    else if (holder.id !== contact.id) {
      await store.conversations.revokeToken(site.accountId, current.conversation.id, current.tokenHash);
      released = true;
    }
  }
  const conversations = await store.conversations.ofContact(site.accountId, contact.id);
  const result: IdentifyResult = {
    contact: { id: contact.id, name: contact.name },
    conversations: conversations.map((c) => ({
      id: c.id,
      status: c.status,
      channel: c.channel,
      lastMessageAt: c.lastMessageAt,
    })),
    ...(released ? { released: true as const } : {}),
  };
  const latest = conversations
    .filter((c) => REOPENED_CHANNELS.has(c.channel) && isOpen(c.status))
    .sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt))[0];
  if (latest) {
    result.conversationId = latest.id;
    if (latest.id !== current?.conversation.id) {
      const { token, hash } = newVisitorToken();
      await store.conversations.addToken(site.accountId, latest.id, hash, now);
      result.token = token;
    }
  }
  return result;
}
