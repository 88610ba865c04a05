import type { BusinessHours } from '@beckon/protocol/api';
import type { AfterHours, PhoneMenu, PhoneNumber, PhoneTrunk, TrunkStatus } from '@beckon/protocol/phone-api';
import type { Kysely, Selectable } from 'kysely';
import { AppError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { isUniqueViolation } from './connect.ts';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';
import type { PhoneNumbersTable, PhoneTrunksTable } from './voice-schema.ts';

export type TrunkRow = Selectable<PhoneTrunksTable>;
export type NumberRow = Selectable<PhoneNumbersTable>;

/** What the gateway needs to register a trunk: its row with the password opened. */
export interface TrunkCredentials extends TrunkRow {
  secret: string;
}

export interface NewTrunk {
  name: string;
  host: string;
  port: number;
  transport: string;
  username: string;
  password: string;
}

export interface NewNumber {
  number: string;
  trunkId: string;
  skillId: string | null;
  menu: PhoneMenu | null;
  hours: BusinessHours | null;
  afterHours: AfterHours | null;
}

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function trunkView(r: TrunkRow): PhoneTrunk {
  return {
    id: r.id,
    name: r.name,
    host: r.host,
    port: Number(r.port),
    transport: r.transport as PhoneTrunk['transport'],
    username: r.username,
    status: r.status as TrunkStatus,
    statusReason: r.status_reason,
    createdAt: iso(r.created_at),
  };
}

export function numberView(r: NumberRow): PhoneNumber {
  return {
    id: r.id,
    number: r.number,
    trunkId: r.trunk_id,
    skillId: r.skill_id,
    menu: json<PhoneMenu>(r.menu),
    hours: json<BusinessHours>(r.hours),
    afterHours: json<AfterHours>(r.after_hours),
    createdAt: iso(r.created_at),
  };
}

/** Trunks and numbers of each account. Trunk passwords are sealed at rest and opened only for the gateway. */
export class PhoneRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretsRef,
  ) {}

  async createTrunk(accountId: string, input: NewTrunk, now = Date.now()): Promise<TrunkRow> {
    const row: TrunkRow = {
      id: newId('trk'),
      account_id: accountId,
      name: input.name,
      host: input.host,
      port: input.port,
      transport: input.transport,
      username: input.username,
      password: this.secrets.box.seal(input.password),
      status: 'pending',
      status_reason: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('phone_trunks').values(row).execute();
    return row;
  }

  async trunks(accountId: string): Promise<TrunkRow[]> {
    return this.db
      .selectFrom('phone_trunks')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
  }

  async trunk(accountId: string, id: string): Promise<TrunkRow | undefined> {
    return this.db
      .selectFrom('phone_trunks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Every trunk of every account, with its password, for the gateway to register them. */
  async allTrunkCredentials(): Promise<TrunkCredentials[]> {
    const rows = await this.db.selectFrom('phone_trunks').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ ...r, secret: this.secrets.box.open(r.password) }));
  }

  async trunkCredentials(accountId: string, id: string): Promise<TrunkCredentials | undefined> {
    const r = await this.trunk(accountId, id);
    return r && { ...r, secret: this.secrets.box.open(r.password) };
  }

  /**
   * Changes a trunk's settings (a new password is sealed; none keeps the stored one). Its state
   * goes back to `pending` until the gateway registers it again.
   */
  async updateTrunk(
    accountId: string,
    id: string,
    changes: Partial<NewTrunk>,
    now = Date.now(),
  ): Promise<TrunkRow | undefined> {
    const { password, ...rest } = changes;
    await this.db
      .updateTable('phone_trunks')
      .set({
        ...rest,
        ...(password === undefined ? {} : { password: this.secrets.box.seal(password) }),
        status: 'pending',
        status_reason: null,
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    return this.trunk(accountId, id);
  }

  /** Deletes a trunk and the numbers reached through it; false when there is no such trunk. */
  async deleteTrunk(accountId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .deleteFrom('phone_numbers')
        .where('account_id', '=', accountId)
        .where('trunk_id', '=', id)
        .execute();
      const r = await tx
        .deleteFrom('phone_trunks')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async setTrunkStatus(
    id: string,
    status: TrunkStatus,
    reason: string | null,
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .updateTable('phone_trunks')
      .set({ status, status_reason: reason, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async createNumber(accountId: string, input: NewNumber, now = Date.now()): Promise<NumberRow> {
    if (!(await this.trunk(accountId, input.trunkId))) throw notFound('trunk');
    const row: NumberRow = {
      id: newId('pn'),
      account_id: accountId,
      trunk_id: input.trunkId,
      number: input.number,
      skill_id: input.skillId,
      menu: input.menu ? JSON.stringify(input.menu) : null,
      hours: input.hours ? JSON.stringify(input.hours) : null,
      after_hours: input.afterHours ? JSON.stringify(input.afterHours) : null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('phone_numbers').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError(409, 'number_taken', `number: ${input.number} is already set up`);
      throw err;
    }
    return row;
  }

  /** Changes a number's target, hours or after-hours choice; undefined when there is no such number. */
  async updateNumber(
    accountId: string,
    id: string,
    patch: Partial<Omit<NewNumber, 'number' | 'trunkId'>>,
    now = Date.now(),
  ): Promise<NumberRow | undefined> {
    const text = (v: unknown) => (v ? JSON.stringify(v) : null);
    const set = {
      ...(patch.skillId === undefined ? {} : { skill_id: patch.skillId }),
      ...(patch.menu === undefined ? {} : { menu: text(patch.menu) }),
      ...(patch.hours === undefined ? {} : { hours: text(patch.hours) }),
      ...(patch.afterHours === undefined ? {} : { after_hours: text(patch.afterHours) }),
      updated_at: now,
    };
    await this.db
      .updateTable('phone_numbers')
      .set(set)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    return this.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async numbers(accountId: string): Promise<NumberRow[]> {
    return this.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
  }

  /** The number an INVITE on `trunkId` is for, by its digits (a carrier may drop the `+`). */
  async numberOnTrunk(trunkId: string, dialled: string): Promise<NumberRow | undefined> {
    const digits = dialled.replace(/[^\d]/g, '');
    if (!digits) return undefined;
    return this.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('trunk_id', '=', trunkId)
      .where('number', '=', `+${digits}`)
      .executeTakeFirst();
  }
}
