/** The first members of a segment with what the preview needs of each: their values and opt-ins. */
import { type Contact, getContact } from '../../api/contacts.ts';
import { listSegmentMembers } from '../../api/segments.ts';
import { type Consents, getConsents } from '../../api/whatsapp.ts';

export type { Consents, Contact };

export interface SampleMember {
  contact: Contact;
  consents: Consents;
}

/** How many of the segment's first members the preview reads in full. */
export const SAMPLE_SIZE = 10;

/** The first members, each with its attributes and opt-ins (none known when they cannot be read). */
export async function loadSample(segmentId: string): Promise<SampleMember[]> {
  const page = await listSegmentMembers(segmentId, SAMPLE_SIZE);
  return Promise.all(
    page.items.map(async (m) => {
      const [detail, consents] = await Promise.all([
        getContact(m.id),
        getConsents(m.id).catch(
          (): Consents => ({ items: [], smsOptOut: false, appSites: [], pushSites: [] }),
        ),
      ]);
      return { contact: detail.contact, consents };
    }),
  );
}
