import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Sealed values read `enc:v1:<key id>:<base64 of iv, ciphertext and tag>`. */
const PREFIX = 'enc:v1:';
const MIN_KEY_LENGTH = 32;

interface Key {
  id: string;
  bytes: Buffer;
}

/** A 256-bit AES key from any long passphrase (HKDF-SHA256), and its short public id. */
function keyOf(passphrase: string): Key {
  const bytes = Buffer.from(hkdfSync('sha256', passphrase, 'beckon-secrets', 'aes-256-gcm v1', 32));
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), bytes };
}

/**
 * Seals the secrets the store keeps in settings (channel tokens, webhook and push credentials,
 * authenticator secrets, single sign-on client secrets) with AES-256-GCM, so a copy of the
 * database or a backup does not hand them over. Values sealed with a previous key still open;
 * `stale` tells which to seal again with the current one (done at every start).
 */
export class SecretBox {
  private readonly keys: Map<string, Key>;

  private constructor(
    private readonly current: Key | null,
    previous: Key[],
    private readonly refuses = false,
  ) {
    this.keys = new Map([...(current ? [current] : []), ...previous].map((k) => [k.id, k]));
  }

  /** No key: values are stored as they are (tests of a store on its own). */
  static none(): SecretBox {
    return new SecretBox(null, []);
  }

  /**
   * No key, for a command that needs none (`beckon migrate`, `beckon user add`): it reads plain
   * values, and refuses to seal or to open a sealed one rather than write a secret in clear.
   */
  static absent(): SecretBox {
    return new SecretBox(null, [], true);
  }

  static fromPassphrases(current: string, previous: string[] = []): SecretBox {
    for (const p of [current, ...previous])
      if (p.length < MIN_KEY_LENGTH)
        throw new Error(
          `BECKON_SECRET_KEY must be at least ${MIN_KEY_LENGTH} characters (use: openssl rand -base64 32)`,
        );
    return new SecretBox(keyOf(current), previous.map(keyOf));
  }

  /** The id of the key new values are sealed with (logged at start; never the key). */
  get keyId(): string | null {
    return this.current?.id ?? null;
  }

  /** Whether this box opens values sealed with the key of id `keyId`. */
  opens(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(plain: string): string {
    if (this.refuses) throw new Error('this command has no secret key and writes no secret');
    if (!this.current) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${this.current.id}:${Buffer.concat([iv, body]).toString('base64')}`;
  }

  /** The plain value; a value stored before sealing began is answered as it is. */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const rest = stored.slice(PREFIX.length);
    const colon = rest.indexOf(':');
    const key = this.keys.get(rest.slice(0, colon));
    if (!key)
      throw new Error(
        `a secret is sealed with key ${rest.slice(0, colon)}, which this node does not have: set BECKON_SECRET_KEY (and BECKON_SECRET_KEY_PREVIOUS while rotating) to the same values on every node`,
      );
    const raw = Buffer.from(rest.slice(colon + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  }

  openNullable(stored: string | null): string | null {
    return stored === null ? null : this.open(stored);
  }

  sealNullable(plain: string | null): string | null {
    return plain === null ? null : this.seal(plain);
  }

  /** A stored value to seal again: plain, or sealed with a key other than the current one. */
  stale(stored: string | null): boolean {
    if (stored === null || !this.current) return false;
    return !stored.startsWith(`${PREFIX}${this.current.id}:`);
  }
}

/** What the repos that keep secrets read their box from: set once the node has loaded its key. */
export interface SecretsRef {
  box: SecretBox;
}

/**
 * The installation settings that are secrets, by name (a name ending in `.` is a prefix): each
 * account's inbound e-mail webhook secret, the key of visitors' attachment URLs, the key of e-mail
 * reply addresses. The settings repo seals and opens these by itself.
 */
export const SECRET_SETTINGS = [
  'email.inbound_secret.',
  'chat.attachment_url_key',
  'email.thread_key',
] as const;

export const isSecretSetting = (key: string): boolean =>
  SECRET_SETTINGS.some((s) => (s.endsWith('.') ? key.startsWith(s) : key === s));

/** Where each stored secret lives: a table, its key column, and its sealed columns. */
export const SEALED_COLUMNS = [
  { table: 'channel_connections', key: 'id', columns: ['config'] },
  { table: 'site_push_settings', key: 'site_id', columns: ['fcm_service_account', 'apns', 'webhook_secret'] },
  { table: 'commerce_receivers', key: 'id', columns: ['secret'] },
  { table: 'webhook_endpoints', key: 'id', columns: ['secret', 'previous_secret'] },
  { table: 'user_totp', key: 'user_id', columns: ['secret'] },
  { table: 'sso_configs', key: 'account_id', columns: ['client_secret'] },
  { table: 'bots', key: 'id', columns: ['secret'] },
  { table: 'phone_trunks', key: 'id', columns: ['password'] },
  { table: 'answer_generation', key: 'account_id', columns: ['api_key'] },
  { table: 'assist_settings', key: 'account_id', columns: ['api_key', 'translation_api_key'] },
  { table: 'sites', key: 'id', columns: ['identity_secret'] },
  { table: 'settings', key: 'key', columns: ['value'], only: isSecretSetting },
] as const;

/**
 * Seals again every stored secret that is plain (written before sealing began) or sealed with a
 * previous key; answers how many rows changed.
 */
export async function resealAll(
  db: import('kysely').Kysely<import('./schema.ts').Database>,
  box: SecretBox,
): Promise<number> {
  // biome-ignore lint/suspicious/noExplicitAny: one loop over tables of different shapes
  const any = db as import('kysely').Kysely<any>;
  let n = 0;
  for (const entry of SEALED_COLUMNS) {
    const { table, key, columns } = entry;
    const only = 'only' in entry ? entry.only : () => true;
    const rows: Record<string, string | null>[] = await any
      .selectFrom(table)
      .select([key, ...columns])
      .execute();
    for (const r of rows) {
      if (!only(r[key]!) || !columns.some((c) => box.stale(r[c] ?? null))) continue;
      const sealed = Object.fromEntries(
        columns.map((c) => [c, box.sealNullable(box.openNullable(r[c] ?? null))]),
      );
      await any.updateTable(table).set(sealed).where(key, '=', r[key]).execute();
      n++;
    }
  }
  return n;
}
