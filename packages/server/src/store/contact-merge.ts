import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError, badRequest, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { refreshContactFacts } from './contact-facts.ts';
import type { ContactMergesTable, ContactsTable } from './contact-schema.ts';
import { iso, jsonObject } from './rows.ts';
import type { Database } from './schema.ts';

/** The fields a merge may fill on the kept contact (only when the kept one has none). */
const FILLED = ['name', 'email', 'phone', 'external_id'] as const;
type Filled = (typeof FILLED)[number];

/** What undoing a merge puts back: exactly what the merge moved or filled, nothing else. */
interface MergeUndo {
  conversations: string[];
  visitors: Array<[siteId: string, visitorId: string]>;
  notes: string[];
  /** Fields filled on the kept contact (their value before was null). */
  fields: Partial<Record<Filled, string>>;
  /** True when the kept contact became verified through the merge. */
  verified: boolean;
  /** Attribute keys the merge added to the kept contact. */
  attributes: string[];
}

/** One merge as the console lists it. */
export interface ContactMerge {
  id: string;
  keptId: string;
  mergedId: string;
  /** The user who merged them by hand (null for a merge made by the system). */
  mergedBy: string | null;
  createdAt: string;
  undoneAt: string | null;
}

const toMerge = (r: Selectable<ContactMergesTable>): ContactMerge => ({
  id: r.id,
  keptId: r.kept_id,
  mergedId: r.merged_id,
  mergedBy: r.merged_by,
  createdAt: iso(r.created_at)!,
  undoneAt: iso(r.undone_at),
});

const mergeConflict = (message: string) => new AppError(409, 'merge_conflict', message);

async function liveContact(trx: Transaction<Database>, accountId: string, id: string) {
  const row = await trx
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('contact');
  if (row.merged_into) throw mergeConflict(`contact ${id} was already merged into another`);
  return row;
}

/**
 * Merges `mergedId` into `keptId`: its conversations, visitor links and notes move to the kept
 * contact, the kept one's empty fields take the merged one's values, and the merged id answers
 * the kept contact from then on. Two verified contacts with different user ids are two people
 * the site vouched for, so they are never merged (409). The undo is recorded with the merge.
 */
export async function mergeContacts(
  db: Kysely<Database>,
  accountId: string,
  keptId: string,
  mergedId: string,
  byUserId: string | null,
  now: number,
): Promise<ContactMerge> {
  if (keptId === mergedId) throw badRequest('a contact cannot be merged into itself', 'same_contact');
  return db.transaction().execute(async (trx) => {
    const kept = await liveContact(trx, accountId, keptId);
    const merged = await liveContact(trx, accountId, mergedId);
    if (
      Number(kept.verified) === 1 &&
      Number(merged.verified) === 1 &&
      kept.external_id !== merged.external_id
    ) {
      throw mergeConflict('both contacts are verified users of the site with different user ids');
    }
    const undo: MergeUndo = {
      conversations: [],
      visitors: [],
      notes: [],
      fields: {},
      verified: false,
      attributes: [],
    };
    const convs = await trx
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergedId)
      .execute();
    undo.conversations = convs.map((c) => c.id);
    const links = await trx
      .selectFrom('contact_visitors')
      .select(['site_id', 'visitor_id'])
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergedId)
      .execute();
    undo.visitors = links.map((l) => [l.site_id, l.visitor_id]);
    const notes = await trx
      .selectFrom('contact_notes')
      .select('id')
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergedId)
      .execute();
    undo.notes = notes.map((n) => n.id);

    const patch: Partial<Selectable<ContactsTable>> = { updated_at: now };
    for (const f of FILLED) {
      if (kept[f] === null && merged[f] !== null) {
        patch[f] = merged[f];
        undo.fields[f] = merged[f]!;
      }
    }
    // The site vouched for the merged contact's user id; the kept one now carries it.
    if (
      undo.fields.external_id !== undefined &&
      Number(merged.verified) === 1 &&
      Number(kept.verified) === 0
    ) {
      patch.verified = 1;
      undo.verified = true;
    }
    const keptAttrs = jsonObject(kept.attributes);
    for (const [k, v] of Object.entries(jsonObject(merged.attributes))) {
      if (Object.hasOwn(keptAttrs, k)) continue;
      keptAttrs[k] = v;
      undo.attributes.push(k);
    }
    if (undo.attributes.length > 0) patch.attributes = JSON.stringify(keptAttrs);
    if (Number(merged.last_seen_at) > Number(kept.last_seen_at)) patch.last_seen_at = merged.last_seen_at;

    if (undo.conversations.length > 0) {
      await trx
        .updateTable('conversations')
        .set({ contact_id: keptId })
        .where('account_id', '=', accountId)
        .where('id', 'in', undo.conversations)
        .execute();
    }
    await trx
      .updateTable('contact_visitors')
      .set({ contact_id: keptId })
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergedId)
      .execute();
    await trx
      .updateTable('contact_notes')
      .set({ contact_id: keptId })
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergedId)
      .execute();
    await trx.updateTable('contacts').set(patch).where('id', '=', keptId).execute();
    await trx
      .updateTable('contacts')
      .set({ merged_into: keptId, updated_at: now })
      .where('id', '=', mergedId)
      .execute();
    const row: Selectable<ContactMergesTable> = {
      id: newId('merge'),
      account_id: accountId,
      kept_id: keptId,
      merged_id: mergedId,
      undo: JSON.stringify(undo),
      merged_by: byUserId,
      created_at: now,
      undone_at: null,
    };
    await trx.insertInto('contact_merges').values(row).execute();
    await refreshContactFacts(trx, accountId, [keptId, mergedId]);
    return toMerge(row);
  });
}

/**
 * Undoes a merge: the merged contact stands on its own again and gets back what the merge moved
 * (conversations, visitor links, notes still on the kept contact); fields the merge filled are
 * cleared unless they changed since. A kept contact merged again later must be unmerged first.
 */
export async function unmergeContacts(
  db: Kysely<Database>,
  accountId: string,
  mergeId: string,
  now: number,
): Promise<ContactMerge> {
  return db.transaction().execute(async (trx) => {
    const m = await trx
      .selectFrom('contact_merges')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', mergeId)
      .executeTakeFirst();
    if (!m) throw notFound('merge');
    if (m.undone_at !== null) throw mergeConflict('this merge was already undone');
    const kept = await trx
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', m.kept_id)
      .executeTakeFirstOrThrow();
    if (kept.merged_into)
      throw mergeConflict('the kept contact was merged again since; undo that merge first');
    const undo = JSON.parse(m.undo) as MergeUndo;
    if (undo.conversations.length > 0) {
      await trx
        .updateTable('conversations')
        .set({ contact_id: m.merged_id })
        .where('account_id', '=', accountId)
        .where('contact_id', '=', m.kept_id)
        .where('id', 'in', undo.conversations)
        .execute();
    }
    for (const [siteId, visitorId] of undo.visitors) {
      await trx
        .updateTable('contact_visitors')
        .set({ contact_id: m.merged_id })
        .where('site_id', '=', siteId)
        .where('visitor_id', '=', visitorId)
        .where('contact_id', '=', m.kept_id)
        .execute();
    }
    if (undo.notes.length > 0) {
      await trx
        .updateTable('contact_notes')
        .set({ contact_id: m.merged_id })
        .where('account_id', '=', accountId)
        .where('contact_id', '=', m.kept_id)
        .where('id', 'in', undo.notes)
        .execute();
    }
    const patch: Partial<Selectable<ContactsTable>> = { updated_at: now };
    for (const f of FILLED) {
      const filled = undo.fields[f];
      if (filled !== undefined && kept[f] === filled) patch[f] = null;
    }
    if (undo.verified && patch.external_id === null) patch.verified = 0;
    if (undo.attributes.length > 0) {
      const a = jsonObject(kept.attributes);
      for (const k of undo.attributes) delete a[k];
      patch.attributes = JSON.stringify(a);
    }
    await trx.updateTable('contacts').set(patch).where('id', '=', m.kept_id).execute();
    await trx
      .updateTable('contacts')
      .set({ merged_into: null, updated_at: now })
      .where('id', '=', m.merged_id)
      .execute();
    await trx.updateTable('contact_merges').set({ undone_at: now }).where('id', '=', mergeId).execute();
    await refreshContactFacts(trx, accountId, [m.kept_id, m.merged_id]);
    return toMerge({ ...m, undone_at: now });
  });
}

/** Merges into a contact that can still be undone (newest first). */
export async function undoableMerges(
  db: Kysely<Database>,
  accountId: string,
  keptId: string,
): Promise<ContactMerge[]> {
  const rows = await db
    .selectFrom('contact_merges')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kept_id', '=', keptId)
    .where('undone_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toMerge);
}
