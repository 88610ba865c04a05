/** Who a privacy request names: one of the four is set. */
export interface PrivacyQuery {
  visitorId?: string;
  contactId?: string;
  email?: string;
  phone?: string;
}

/** Everything that identifies one person within an account, found from a `PrivacyQuery`. */
export interface PrivacySubject {
  accountId: string;
  /** The account's sites: the visitor indexes lead with the site. */
  siteIds: string[];
  contactIds: string[];
  visitorIds: string[];
  conversationIds: string[];
  /** E-mail addresses the person is known by (the request's and the contacts'). */
  emails: string[];
  /** Phone numbers the person is known by (the request's and the contacts'), normalised. */
  phones: string[];
  /** Where the person's files are in the attachment storage. */
  attachmentKeys: string[];
  /** Message ids of the person's inbound e-mails (their raw files are kept by these). */
  mailIds: string[];
  /** Where the recordings of the person's calls are (a recording still being written has no attachment yet). */
  recordingKeys: string[];
}

/** No id is empty: an IN list of this one matches nothing. */
const none = [''];
/** The ids, or one that matches nothing (an empty IN list is not valid SQL). */
export const orNone = (ids: string[]): string[] => (ids.length > 0 ? ids : none);
