import { verifyUserHash } from '../channels/identity.ts';
import { AppError } from '../errors.ts';
import { type Contact, normaliseEmail, normalisePhone } from '../store/contacts-repo.ts';
import type { Store } from '../store/store.ts';

/** What a site says about the person on a page: the tag's identify, the SDK's, a form. */
export interface IdentityClaim {
  accountId: string;
  siteId: string;
  /** The tag visitor to link to the contact, when there is one. */
  visitorId?: string | null;
  userId?: string | null;
  /** HMAC-SHA256(userId, the site's identity secret), hex. */
  userHash?: string | null;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}

/** The contact a claim named, and whether the site vouched for it. */
export interface Identified {
  contact: Contact;
  verified: boolean;
}

/** A userHash that does not match its userId (or no userId with it). */
export const identityUnverified = () =>
  new AppError(403, 'identity_unverified', 'userHash does not match userId; nothing was linked');

/**
 * Turns a claim into a contact. A claim with a userHash must carry the site's own hash of its
 * userId: then it is a verified contact, and the visitor moves to it. Without a hash the user id
 * is ignored and an e-mail or phone gives an unverified contact; the visitor is not moved off a
 * verified contact by it. Null when the claim names no one.
 */
export async function identify(
  store: Store,
  claim: IdentityClaim,
  now = Date.now(),
): Promise<Identified | null> {
  const { accountId, siteId } = claim;
  const hashed = claim.userHash !== undefined && claim.userHash !== null && claim.userHash !== '';
  let contact: Contact;
  let verified = false;
  if (hashed) {
    const userId = claim.userId?.trim();
    if (!userId) throw identityUnverified();
    const secret = await store.sites.identitySecret(accountId, siteId);
    if (!verifyUserHash(secret, userId, claim.userHash)) throw identityUnverified();
    contact = await store.contacts.resolve(
      accountId,
      { verified: true, externalId: userId, email: claim.email, name: claim.name, phone: claim.phone },
      now,
    );
    verified = true;
  } else {
    if (!normaliseEmail(claim.email) && !normalisePhone(claim.phone)) return null;
    contact = await store.contacts.resolve(
      accountId,
      { email: claim.email, name: claim.name, phone: claim.phone },
      now,
    );
  }
  if (claim.visitorId) await linkVisitor(store, accountId, siteId, claim.visitorId, contact, now);
  return { contact, verified };
}

/**
 * Links a tag visitor to a contact. A visitor the site verified stays with its verified contact
 * when an unverified claim (a typed e-mail) comes later: the typed e-mail cannot take it over.
 */
export async function linkVisitor(
  store: Store,
  accountId: string,
  siteId: string,
  visitorId: string,
  contact: Contact,
  now = Date.now(),
): Promise<void> {
  if (!contact.verified) {
    const current = await store.contacts.ofVisitor(accountId, siteId, visitorId);
    if (current?.verified && current.id !== contact.id) return;
  }
  await store.contacts.linkVisitor(accountId, siteId, visitorId, contact.id, now);
  // Whatever the visitor wrote before the site vouched for them is the signed-in user's too.
  if (contact.verified) await store.conversations.adoptVisitor(accountId, siteId, visitorId, contact.id, now);
}

/**
 * The contact a form names (pre-chat, offline): an unverified one by e-mail or phone, linked to
 * the visitor. Undefined when the form gave neither.
 */
export async function contactOfForm(
  store: Store,
  site: { id: string; accountId: string },
  form: { visitorId?: string | null; name?: string | null; email?: string | null; phone?: string | null },
): Promise<Contact | undefined> {
  const found = await identify(store, {
    accountId: site.accountId,
    siteId: site.id,
    visitorId: form.visitorId ?? null,
    email: form.email ?? null,
    name: form.name ?? null,
    phone: form.phone ?? null,
  });
  return found?.contact;
}

/**
 * The contact a visitor's new conversation (a chat, an offline message, a callback) is with: the
 * visitor's verified contact once the site vouched for them, so a typed e-mail cannot take a
 * signed-in user's chat elsewhere; else the form's; else the one the visitor is known as.
 */
export async function contactOfVisit(
  store: Store,
  site: { id: string; accountId: string },
  form: { visitorId?: string | null; name?: string | null; email?: string | null; phone?: string | null },
): Promise<Contact | undefined> {
  const typed = await contactOfForm(store, site, form);
  const known = form.visitorId
    ? await store.contacts.ofVisitor(site.accountId, site.id, form.visitorId)
    : undefined;
  return known?.verified ? known : (typed ?? known);
}

/**
 * An identify may link the visitor while its new conversation was being written, after
 * `contactOfVisit` looked: the conversation then joins the verified contact all the same.
 */
export async function settleVisit(
  store: Store,
  site: { id: string; accountId: string },
  visitorId: string | null | undefined,
  contact: Contact | undefined,
): Promise<void> {
  if (!visitorId || contact?.verified) return;
  const known = await store.contacts.ofVisitor(site.accountId, site.id, visitorId);
  if (known?.verified) await store.conversations.adoptVisitor(site.accountId, site.id, visitorId, known.id);
}
