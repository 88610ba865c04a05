import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Mode of the data dir and every directory in it: the server's user only. */
export const DIR_MODE = 0o700;
/** Mode of every file in the data dir: it holds password, session and key hashes and the attachment URL secret. */
export const FILE_MODE = 0o600;

/** The embedded store's file in a data dir. */
export const sqliteFile = (dataDir: string): string => join(dataDir, 'beckon.db');

/**
 * Makes the data dir private before anything is written to it: the dir 0700, and with the embedded
 * store its `beckon.db` created 0600 before SQLite opens it, since SQLite gives the `-wal` and `-shm`
 * files the main file's mode. Then walks the dir once and tightens what an older install left
 * readable to others (directories to 0700, files to 0600). Returns how many modes it changed.
 */
export function prepareDataDir(dataDir: string, opts: { sqlite: boolean }): number {
  if (opts.sqlite) {
    mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
    closeSync(openSync(sqliteFile(dataDir), 'a', FILE_MODE));
  } else if (!existsSync(dataDir)) {
    return 0; // PostgreSQL: the dir appears with the first attachment, created private
  }
  return tighten(dataDir);
}

/** Sets `path` and everything under it to DIR_MODE / FILE_MODE where the mode differs; symbolic links are left alone. */
function tighten(path: string): number {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st || st.isSymbolicLink()) return 0;
  let changed = 0;
  const want = st.isDirectory() ? DIR_MODE : FILE_MODE;
  if ((st.mode & 0o777) !== want) {
    chmodSync(path, want);
    changed++;
  }
  if (st.isDirectory()) for (const name of readdirSync(path)) changed += tighten(join(path, name));
  return changed;
}
