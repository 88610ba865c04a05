import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/** One entry of an export archive: JSON rows, or a file's bytes read as a stream. */
export type ZipEntry =
  | { name: string; json: unknown }
  | { name: string; file: () => Promise<Readable | undefined> };

/**
 * Streams a ZIP of `entries` as it reads them: JSON deflated, files stored as they are (photos
 * and PDFs are compressed already). A file is read chunk by chunk and waits while the reader of
 * the archive is behind, so an export's memory stays one chunk per file, not the whole archive.
 */
export function zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): Readable {
  const out = new PassThrough();
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      out.destroy(err);
      return;
    }
    out.write(chunk);
    if (final) out.end();
  });
  const drained = () =>
    out.writableNeedDrain ? new Promise<void>((done) => out.once('drain', done)) : Promise.resolve();
  (async () => {
    for await (const e of entries) {
      if ('json' in e) {
        const f = new ZipDeflate(e.name, { level: 6 });
        zip.add(f);
        f.push(Buffer.from(`${JSON.stringify(e.json, null, 2)}\n`), true);
      } else {
        const body = await e.file();
        if (!body) continue;
        const f = new ZipPassThrough(e.name);
        zip.add(f);
        for await (const chunk of body) {
          f.push(chunk as Buffer);
          await drained();
        }
        f.push(new Uint8Array(0), true);
      }
      await drained();
    }
    zip.end();
  })().catch((err: Error) => out.destroy(err));
  return out;
}
