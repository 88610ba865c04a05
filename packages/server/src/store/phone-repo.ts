import type { BusinessHours } from '@beckon/protocol/api';
import type {
  AfterHours,
  PhoneLanguage,
  PhoneMenu,
  PhoneNumber,
  PhoneTrunk,
  TrunkStatus,
} from '@beckon/protocol/phone-api';
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
  /** Default: not recorded, prompts in English. */
  recordCalls?: boolean;
  language?: PhoneLanguage;
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
    retryAt: r.retry_at === null ? null : iso(r.retry_at),
    createdAt: iso(r.created_at),
  };
}

/** A stored language as one the prompts are spoken in (anything else: English). */
export const phoneLanguage = (v: string | null | undefined): PhoneLanguage =>
  v === 'de' || v === 'es' ? v : 'en';

export function numberView(r: NumberRow): PhoneNumber {
  return {
    id: r.id,
    number: r.number,
    trunkId: r.trunk_id,
    skillId: r.skill_id,
    menu: json<PhoneMenu>(r.menu),
    hours: json<BusinessHours>(r.hours),
    afterHours: json<AfterHours>(r.after_hours),
    recordCalls: Number(r.record_calls) === 1,
    language: phoneLanguage(r.language),
    createdAt: iso(r.created_at),
  };
}

/** A number's settings as its columns (the menu, hours and after-hours answer as JSON). */
function numberColumns(input: NewNumber) {
  return {
    trunk_id: input.trunkId,
    number: input.number,
    skill_id: input.skillId,
    menu: input.menu ? JSON.stringify(input.menu) : null,
    hours: input.hours ? JSON.stringify(input.hours) : null,
    after_hours: input.afterHours ? JSON.stringify(input.afterHours) : null,
    record_calls: input.recordCalls ? 1 : 0,
    language: input.language ?? 'en',
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
      retry_at: null,
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
        retry_at: null,
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

  /** The gateway's news of a registration; `retryAt` is when a failed one is tried again. */
  async setTrunkStatus(
    id: string,
    status: TrunkStatus,
    reason: string | null,
    retryAt: number | null = null,
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .updateTable('phone_trunks')
      .set({ status, status_reason: reason, retry_at: retryAt, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async createNumber(accountId: string, input: NewNumber, now = Date.now()): Promise<NumberRow> {
    if (!(await this.trunk(accountId, input.trunkId))) throw notFound('trunk');
    const row: NumberRow = {
      id: newId('pn'),
      account_id: accountId,
      ...numberColumns(input),
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

  /** Changes a number (null clears hours or the after-hours answer); undefined when there is none. */
  async updateNumber(
    accountId: string,
    id: string,
    input: NewNumber,
    now = Date.now(),
  ): Promise<NumberRow | undefined> {
    if (!(await this.trunk(accountId, input.trunkId))) throw notFound('trunk');
    try {
      await this.db
        .updateTable('phone_numbers')
        .set({ ...numberColumns(input), updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError(409, 'number_taken', `number: ${input.number} is already set up`);
      throw err;
    }
    return this.number(accountId, id);
  }

  async number(accountId: string, id: string): Promise<NumberRow | undefined> {
    return this.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Deletes a number; false when the account has no such number. */
  async deleteNumber(accountId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('phone_numbers')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** A message a caller left: counted by the calls report per day, skill and number. */
  async addVoicemail(
    accountId: string,
    v: { conversationId: string; numberId: string; number: string; skillId: string | null; ms: number },
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .insertInto('phone_voicemails')
      .values({
        id: newId('vm'),
        account_id: accountId,
        conversation_id: v.conversationId,
        number_id: v.numberId,
        number: v.number,
        skill_id: v.skillId,
        ms: Math.round(v.ms),
        created_at: now,
      })
      .execute();
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
