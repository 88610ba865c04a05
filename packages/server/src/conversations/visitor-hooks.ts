import type { Conversation } from '@beckon/protocol/chat-api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.ts';
import { assertConversationOrigin, conversationForToken, siteForKey } from './visitor-access.ts';
import type { VisitorSite } from './visitor-chat-service.ts';
import { CHAT_TOKEN_HEADER, SITE_KEY_HEADER } from './visitor-token.ts';

/** A visitor's conversation as the token header opened it. */
export interface VisitorChat {
  accountId: string;
  conversation: Conversation;
}

/** A request header's value when it was sent once. */
export const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** Allows the calling origin (the visitor routes carry no cookies; the site's allow-list is checked separately). */
export async function visitorCors(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const origin = header(req, 'origin');
  if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'origin');
}

/**
 * The onRequest hooks of the visitor routes (run before any body is read): `bySite` admits a site
 * key from an allowed origin, `byToken` opens the one conversation of a visitor token and tells
 * `opened` (the visitor is here: a client over REST keeps its chat routable with its requests).
 */
export function visitorHooks(
  store: Store,
  opened: (accountId: string, conversationId: string) => Promise<void> = async () => {},
) {
  const sites = new WeakMap<FastifyRequest, VisitorSite>();
  const chats = new WeakMap<FastifyRequest, VisitorChat>();
  const bySite = {
    onRequest: [
      visitorCors,
      async (req: FastifyRequest) => {
        sites.set(req, await siteForKey(store, header(req, SITE_KEY_HEADER), header(req, 'origin')));
      },
    ],
  };
  const openChat = async (req: FastifyRequest) => {
    const found = await conversationForToken(store, header(req, CHAT_TOKEN_HEADER));
    await assertConversationOrigin(store, found, header(req, 'origin'));
    chats.set(req, found);
    await opened(found.accountId, found.conversation.id);
  };
  const byToken = { onRequest: [visitorCors, openChat] };
  return {
    bySite,
    byToken,
    /** The token check alone, for routes that add their own hooks after it. */
    openChat,
    siteOf: (req: FastifyRequest) => sites.get(req)!,
    chatOf: (req: FastifyRequest) => chats.get(req)!,
  };
}
