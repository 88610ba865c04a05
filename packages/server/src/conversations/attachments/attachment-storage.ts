import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { DIR_MODE, FILE_MODE } from '../../store/data-dir.ts';

/**
 * Where attachment bytes live. The default keeps them on local disk under the data directory;
 * an object store (S3-like) can implement the same four calls later (append as a multipart upload) without touching callers.
 */
export interface AttachmentStorage {
  /** Stores the bytes durably under `key`; resolves once they would survive a crash. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** Adds bytes at the end of `key` (made if missing); resolves once they would survive a crash. */
  append(key: string, bytes: Buffer): Promise<void>;
  /** The bytes under `key`, or undefined when they are gone. */
  open(key: string): Promise<Readable | undefined>;
  /** Removes the bytes (missing is fine). */
  remove(key: string): Promise<void>;
  /** Moves the bytes to another key at once (a rename); answers false when `from` is missing. */
  move(from: string, to: string): Promise<boolean>;
}

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
/** Files up to this size are read whole and sent from memory; larger ones are streamed. */
const READ_WHOLE_BYTES = 1024 * 1024;

/**
 * Attachments as files under `<dataDir>/attachments/<key>`, written to a temporary name, synced, then
 * renamed; directories 0700 and files 0600, like the rest of the data dir.
 */
export class LocalDiskStorage implements AttachmentStorage {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'attachments');
  }

  /** The file of a key; keys are made by the server, but a bad one must never escape the root. */
  private path(key: string): string {
    const p = resolve(this.root, key);
    if (!KEY.test(key) || !p.startsWith(this.root + sep)) throw new Error(`invalid storage key: ${key}`);
    return p;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true, mode: DIR_MODE });
    const tmp = `${target}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', FILE_MODE);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  }

  async append(key: string, bytes: Buffer): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true, mode: DIR_MODE });
    const fh = await open(target, 'a', FILE_MODE);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async open(key: string): Promise<Readable | undefined> {
    const p = this.path(key);
    let size: number;
    try {
      size = (await stat(p)).size;
    } catch {
      return undefined;
    }
    // A chat's pictures and documents are small: one read, and the response ends with its last
    // byte. Streamed, a response sometimes never ended after its last byte here (the file stream's
    // read of the end did not come back), holding the connection until its keep-alive timeout.
    if (size <= READ_WHOLE_BYTES) return Readable.from([await readFile(p)]);
    return createReadStream(p);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async move(from: string, to: string): Promise<boolean> {
    try {
      await rename(this.path(from), this.path(to));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}

/** The storage key of an attachment: one directory per account. */
export const attachmentKey = (accountId: string, attachmentId: string): string =>
  `${accountId}/${attachmentId}`;
