import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

/** A user's authenticator as the sign-in and the settings page need it. */
export interface UserTotp {
  secret: string;
  enabled: boolean;
  lastStep: number;
}

/** Two-factor sign-in: each user's TOTP secret, their one-time recovery codes, and the account's rule. */
export class TwoFactorRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** Authenticator secrets are sealed at rest. */
    private readonly secrets: SecretsRef,
  ) {}

  async totpOf(userId: string): Promise<UserTotp | undefined> {
    const row = await this.db
      .selectFrom('user_totp')
      .select(['secret', 'enabled_at', 'last_step'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      secret: this.secrets.box.open(row.secret),
      enabled: row.enabled_at !== null,
      lastStep: Number(row.last_step),
    };
  }

  /** Starts (or restarts) a set-up with a new secret; refused (false) while one is enabled. */
  async begin(accountId: string, userId: string, secret: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('user_totp')
        .select('enabled_at')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (row?.enabled_at != null) return false;
      await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await tx
        .insertInto('user_totp')
        .values({
          user_id: userId,
          account_id: accountId,
          secret: this.secrets.box.seal(secret),
          created_at: Date.now(),
        })
        .execute();
      return true;
    });
  }

  /**
   * Takes the code of `step` for this user, once: false when that step or a later one was used
   * already (a replayed code), so two sign-ins racing with one code cannot both pass.
   */
  async useStep(userId: string, step: number): Promise<boolean> {
    const r = await this.db
      .updateTable('user_totp')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('last_step', '<', step)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Turns on a proved set-up with its first recovery codes (hashes). */
  async enable(userId: string, codeHashes: string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('user_totp')
        .set({ enabled_at: Date.now() })
        .where('user_id', '=', userId)
        .execute();
      await this.replaceCodesIn(tx, userId, codeHashes);
    });
  }

  /** Removes the authenticator and its recovery codes. */
  async disable(userId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await tx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    });
  }

  async replaceCodes(userId: string, codeHashes: string[]): Promise<void> {
    await this.db.transaction().execute((tx) => this.replaceCodesIn(tx, userId, codeHashes));
  }

  private async replaceCodesIn(tx: Kysely<Database>, userId: string, codeHashes: string[]): Promise<void> {
    await tx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    if (codeHashes.length === 0) return;
    await tx
      .insertInto('user_recovery_codes')
      .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash })))
      .execute();
  }

  /** Spends one recovery code: false when it is not one of the user's or was spent. */
  async useCode(userId: string, codeHash: string): Promise<boolean> {
    const r = await this.db
      .updateTable('user_recovery_codes')
      .set({ used_at: Date.now() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async codesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('user_recovery_codes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async required(accountId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('accounts')
      .select('require_totp')
      .where('id', '=', accountId)
      .executeTakeFirst();
    return Number(row?.require_totp ?? 0) === 1;
  }

  async setRequired(accountId: string, required: boolean): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ require_totp: required ? 1 : 0 })
      .where('id', '=', accountId)
      .execute();
  }
}
