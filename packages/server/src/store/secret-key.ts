import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../errors.ts';
import { DIR_MODE, FILE_MODE } from './data-dir.ts';
import { SecretBox } from './secret-box.ts';
import type { Store } from './store.ts';

/** The file that holds the key of an installation without `BECKON_SECRET_KEY` (a laptop, the demo, one node). */
export const SECRET_KEY_FILE = 'secret.key';
/** The setting that names the key the store's secrets are sealed with: its public id, never the key. */
export const KEY_CHECK_SETTING = 'secrets.key_id';

/** Where a node's key comes from. */
export type KeySource = 'environment' | 'file';

/** The keys from the environment (`BECKON_SECRET_KEY`, and `BECKON_SECRET_KEY_PREVIOUS` while rotating). */
export interface SecretKeys {
  current?: string;
  previous?: string;
}

/**
 * Why a node may not use its key with this store, with what to set: the store's secrets are
 * sealed with a key this node lacks (another node's key file, or a different `BECKON_SECRET_KEY`).
 */
function foreignKey(sealedWith: string, mine: string | null, file: string): Error {
  const has = mine ? `this node's key is ${mine}` : 'this node has no key';
  return new StartupError(
    `this store's secrets are sealed with key ${sealedWith}, and ${has}: set BECKON_SECRET_KEY to the same value on every node (the key file of the node that made the key, DATA_DIR/${SECRET_KEY_FILE}, holds it), or copy that file to ${file}`,
  );
}

/**
 * The node's key: `BECKON_SECRET_KEY`, else the key file in the data dir, made once (0600, in a
 * 0700 dir made when missing). No file is made for a store that already names another key.
 */
export function loadSecretBox(
  keys: SecretKeys,
  dataDir: string,
  sealedWith?: string,
): { box: SecretBox; source: KeySource } {
  const previous = (keys.previous ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (keys.current) return { box: SecretBox.fromPassphrases(keys.current, previous), source: 'environment' };
  const file = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    if (sealedWith) throw foreignKey(sealedWith, null, file);
    mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
    try {
      // `wx`: of two nodes starting on one data dir, the second keeps the first one's key.
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: FILE_MODE, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { box: SecretBox.fromPassphrases(readFileSync(file, 'utf8').trim(), previous), source: 'file' };
}

/**
 * Gives the store the node's key, after checking it against the key the store names: a node with
 * another key refuses to start and says what to set, instead of sealing with a key its peers lack.
 * Then seals again what is plain or under a previous key, and names the current key in the store.
 */
export async function useSecretKey(
  store: Store,
  keys: SecretKeys,
  dataDir: string,
): Promise<{ box: SecretBox; source: KeySource; resealed: number }> {
  const sealedWith = await store.settings.get(KEY_CHECK_SETTING);
  const { box, source } = loadSecretBox(keys, dataDir, sealedWith);
  const file = join(dataDir, SECRET_KEY_FILE);
  if (sealedWith && !box.opens(sealedWith)) throw foreignKey(sealedWith, box.keyId, file);
  store.useSecrets(box);
  // Opens every stored secret: a store from before the check, sealed with a key this node lacks, stops here.
  const resealed = await store.resealSecrets();
  const keyId = box.keyId!;
  if (!sealedWith) {
    // Two nodes starting at once on a new store: the first one's key stays, the other refuses.
    const won = await store.settings.getOrInit(KEY_CHECK_SETTING, keyId);
    if (won !== keyId) throw foreignKey(won, keyId, file);
  } else if (sealedWith !== keyId) await store.settings.set(KEY_CHECK_SETTING, keyId);
  return { box, source, resealed };
}
