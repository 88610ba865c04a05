import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EraseResult, PrivacyRequest } from '@beckon/protocol/privacy-api';
import { rawMailKey } from '../channels/email/email-intake.ts';
import type { AttachmentStorage } from '../conversations/attachments/attachment-storage.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { PrivacySubject } from '../store/privacy-repo.ts';
import type { Store } from '../store/store.ts';
import { type ZipEntry, zipStream } from './export-zip.ts';

/** Drops erased visitors from a node's memory (the tracker), so nothing re-stores them. */
export interface LiveVisitors {
  forget(accountId: string, visitorId: string): number;
}

/** Claims of who a visitor is (the tag's identify) that a node has noted and not stored yet. */
export interface PendingIdentities {
  settled(): Promise<void>;
}

/** A file name safe in any archive reader: no folders, no control characters. */
const safeName = (name: string) => name.replace(/[\p{Cc}/\\:*?"<>|]+/gu, '_').slice(0, 120) || 'file';

/**
 * Access and erasure for one person (GDPR articles 15 and 17), over the store, the attachment
 * files and the raw e-mails kept beside them. The store finds the person; this adds the files and
 * the node's memory of them.
 */
export class PrivacyService {
  constructor(
    private readonly store: Store,
    private readonly files: AttachmentStorage,
    private readonly live: LiveVisitors,
    private readonly identities: PendingIdentities,
    private readonly log: Logger,
  ) {}

  /**
   * The person the request names in the account, or null when nothing is held about them. A
   * visitor's identify acknowledged just before is stored first: else an erase by their visitor
   * id would miss the contact it names, and one by their e-mail would miss the visitor.
   */
  async subject(accountId: string, req: PrivacyRequest): Promise<PrivacySubject | null> {
    await this.identities.settled();
    return this.store.privacy.subject(accountId, req);
  }

  /** A ZIP of everything held about the person: one JSON file per kind of data, plus their files. */
  async export(s: PrivacySubject): Promise<Readable> {
    await this.store.eventsWriter.flush();
    const sections = await this.store.privacy.collect(s);
    const { files } = this;
    const attachments = sections.find((x) => x.name === 'attachments')?.rows ?? [];
    const entries: ZipEntry[] = [
      {
        name: 'person.json',
        json: {
          exportedAt: new Date().toISOString(),
          contactIds: s.contactIds,
          visitorIds: s.visitorIds,
          conversationIds: s.conversationIds,
          emails: s.emails,
          files: sections.map((x) => ({ file: `${x.name}.json`, rows: x.rows.length })),
        },
      },
      ...sections.map((x) => ({ name: `${x.name}.json`, json: x.rows })),
      ...attachments.map((a) => ({
        name: `attachments/${a.id}-${safeName(String(a.name))}`,
        file: () => files.open(String(a.storage_key)),
      })),
      ...s.mailIds.map((id, i) => ({
        name: `mail/${i + 1}.eml`,
        file: () => files.open(rawMailKey(s.accountId, id)),
      })),
    ];
    return zipStream(entries);
  }

  /**
   * Erases the person, all or nothing: the node forgets their live visitors, buffered events are
   * written first so none lands after, their files are moved aside, the store erases in one
   * transaction, then the moved files go and a SQLite store empties its WAL. A failure before the
   * commit puts the files back and answers what failed; nothing is left half erased.
   */
  async erase(s: PrivacySubject): Promise<EraseResult> {
    for (const v of s.visitorIds) this.live.forget(s.accountId, v);
    await this.store.eventsWriter.flush();
    const keys = [
      ...new Set([
        ...s.attachmentKeys,
        ...s.recordingKeys,
        ...s.mailIds.map((id) => rawMailKey(s.accountId, id)),
      ]),
    ];
    const aside = new Map<string, string>();
    const putBack = async () => {
      for (const [key, moved] of aside)
        await this.files.move(moved, key).catch((err) => this.log.error({ err, key }, 'file not put back'));
    };
    const mark = randomBytes(6).toString('hex');
    for (const key of keys) {
      try {
        if (await this.files.move(key, `${key}-erasing-${mark}`)) aside.set(key, `${key}-erasing-${mark}`);
      } catch (err) {
        await putBack();
        throw eraseFailed(`a file could not be removed (${key}): ${(err as Error).message}`);
      }
    }
    let erased: EraseResult['erased'];
    try {
      erased = await this.store.privacy.erase(s);
    } catch (err) {
      await putBack();
      this.log.error({ err }, 'erase failed');
      throw eraseFailed(`the store could not erase the person: ${(err as Error).message}`);
    }
    for (const [key, moved] of aside)
      await this.files.remove(moved).catch((err) => this.log.warn({ err, key }, 'erased file not removed'));
    if (!(await this.store.privacy.scrub())) {
      this.log.warn('the WAL was busy after an erase: the next checkpoint empties it');
    }
    return { erased };
  }
}

/** A 500 that says what failed, and that nothing was erased. */
const eraseFailed = (what: string) => new AppError(500, 'erase_failed', `nothing was erased: ${what}`);
