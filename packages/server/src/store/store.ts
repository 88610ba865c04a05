import { Kysely, Migrator, sql } from 'kysely';
import { AccountsRepo } from './accounts-repo.ts';
import { AgentStatesRepo } from './agent-states-repo.ts';
import { AnswerGenerationRepo } from './answer-generation-repo.ts';
import { ApiKeysRepo } from './api-keys-repo.ts';
import { AppPushRepo } from './app-push-repo.ts';
import { AssignmentRepo } from './assignment-repo.ts';
import { AssistRepo } from './assist-repo.ts';
import { AttachmentsRepo } from './attachments-repo.ts';
import { AuditRepo } from './audit-repo.ts';
import { AuthSessionsRepo } from './auth-sessions-repo.ts';
import { AutomationEventsRepo } from './automation-events-repo.ts';
import { AutomationRepo } from './automation-repo.ts';
import { BotsRepo } from './bots-repo.ts';
import { BroadcastsRepo } from './broadcasts-repo.ts';
import { CallRecordingsRepo } from './call-recordings-repo.ts';
import { CallbacksRepo } from './callbacks-repo.ts';
import { CallsRepo } from './calls-repo.ts';
import { CampaignsRepo } from './campaigns-repo.ts';
import { CannedResponsesRepo } from './canned-responses-repo.ts';
import { ChannelConnectionsRepo } from './channel-connections-repo.ts';
import { ChannelSettingsRepo } from './channel-settings-repo.ts';
import { ClassificationsRepo } from './classifications-repo.ts';
import { CommerceReceiversRepo } from './commerce-receivers-repo.ts';
import { connectStore, type StoreConnectionOptions, type StoreKind } from './connect.ts';
import { ContactConsentsRepo } from './contact-consents-repo.ts';
import { ContactMessagesRepo } from './contact-messages-repo.ts';
import { ContactsRepo } from './contacts-repo.ts';
import { ConversationsRepo } from './conversations-repo.ts';
import { ConversionsRepo } from './conversions-repo.ts';
import { CsatSurveysRepo } from './csat-surveys-repo.ts';
import { EmailRepo } from './email-repo.ts';
import { EventsWriter, type EventsWriterPort } from './events-writer.ts';
import { ExposuresRepo } from './exposures-repo.ts';
import { KnowledgeRepo } from './knowledge-repo.ts';
import { MacrosRepo } from './macros-repo.ts';
import { MaskingRepo } from './masking-repo.ts';
import { MentionsRepo } from './mentions-repo.ts';
import { MessagesRepo } from './messages-repo.ts';
import { latestMigration, migrationProvider } from './migrations/index.ts';
import { ModelSessionsRepo } from './model-sessions-repo.ts';
import { ModelSettingsRepo } from './model-settings-repo.ts';
import { ModelsRepo } from './models-repo.ts';
import { OutboxRepo } from './outbox-repo.ts';
import { ParticipantsRepo } from './participants-repo.ts';
import { PhoneRepo } from './phone-repo.ts';
import { PrivacyRepo } from './privacy-repo.ts';
import { RetentionRepo } from './retention-repo.ts';
import { RoutingRepo } from './routing-repo.ts';
import { ScheduledMessagesRepo } from './scheduled-messages-repo.ts';
import type { Database } from './schema.ts';
import { SecretBox as Box, resealAll, type SecretBox, type SecretsRef } from './secret-box.ts';
import { SegmentsRepo } from './segments-repo.ts';
import { SendSlotsRepo } from './send-slots-repo.ts';
import { SendingSettingsRepo } from './sending-settings-repo.ts';
import { SettingsRepo } from './settings-repo.ts';
import { SitesRepo } from './sites-repo.ts';
import { SkillsRepo } from './skills-repo.ts';
import { SlaRepo } from './sla-repo.ts';
import { readersDialect, SqliteReaders } from './sqlite-readers.ts';
import { SsoRepo } from './sso-repo.ts';
import { describeStoreError } from './store-availability.ts';
import { capabilitiesOf, type StoreCapabilities } from './store-capabilities.ts';
import { SummariesRepo } from './summaries-repo.ts';
import { ThreadEventsWriter } from './thread-events-writer.ts';
import { TranslationsRepo } from './translations-repo.ts';
import { TwoFactorRepo } from './two-factor-repo.ts';
import { UsersRepo } from './users-repo.ts';
import { VisitorsRepo } from './visitors-repo.ts';
import type { WalCheckpoints } from './wal-checkpoints.ts';
import type { WalSync } from './wal-sync.ts';
import { WebhooksRepo } from './webhooks-repo.ts';
import { WhatsAppTemplatesRepo } from './whatsapp-templates-repo.ts';

/** The store port: one object per concept, implemented once on Kysely for SQLite and PostgreSQL. */
/** How long `/readyz` waits for the store before it answers that the store is not ready (ms). */
const READINESS_TIMEOUT_MS = 1_500;

export class Store {
  readonly accounts;
  readonly users;
  readonly agentStates;
  /** What each account masks in messages before they are stored. */
  readonly masking;
  readonly sites;
  readonly skills;
  readonly apiKeys;
  readonly authSessions;
  /** Authenticators, recovery codes and the account's two-factor rule. */
  readonly twoFactor;
  /** The box the repos seal secrets with; `none` until the node loads its key (`useSecrets`). */
  private readonly secrets: SecretsRef = { box: Box.none() };
  /** Single sign-on: each account's OpenID Connect provider and linked subjects. */
  readonly sso;
  readonly settings;
  /** What this store can do that the other cannot (row locks…). */
  readonly caps: StoreCapabilities;
  readonly conversations;
  /** Agent bots, and the conversation changes that are theirs (hold, answer owed, handoff). */
  readonly bots;
  /** Articles of each account's knowledge base (the answer bot's). */
  readonly knowledge;
  /** Each account's optional generated answers (an OpenAI-compatible endpoint for the answer bot). */
  readonly answerGeneration;
  /** Each account's agent assist settings (its model) and suggestion usage counts. */
  readonly assist;
  /** Conversation summaries (on transfer and close). */
  readonly summaries;
  /** Each conversation's intent and sentiment (assist). */
  readonly classifications;
  /** Assist's live translation: customers' languages and lines in the agent's language. */
  readonly translations;
  /** Atomic changes of who holds a conversation (offer, accept, transfer, close, overflow). */
  readonly assignment;
  /** The supervisor who barged into a live chat, beside its agent. */
  readonly participants;
  readonly messages;
  /** Metadata of files uploaded into conversations. */
  readonly attachments;
  /** Saved replies agents insert by shortcut. */
  readonly cannedResponses;
  /** Colleagues named in internal notes, and whether they read it. */
  readonly mentions;
  /** Replies and note reminders an agent scheduled for later. */
  readonly scheduledMessages;
  /** Named sets of actions agents run on a conversation, and their runs. */
  readonly macros;
  readonly routing;
  readonly campaigns;
  readonly visitors;
  readonly exposures;
  /** Conversions and their attribution to engagements (analytics). */
  readonly conversions;
  /** Write-behind buffer for the tracker (events, exposures, visitor snapshots); flushed on shutdown. */
  readonly eventsWriter: EventsWriterPort;
  /** Propensity models trained per account. */
  readonly models;
  /** Finished sessions the models learn from, and the page statistics they feed. */
  readonly modelSessions;
  /** Per-site feature settings of the model. */
  readonly modelSettings;
  /** People known across visits, devices and channels. */
  readonly contacts;
  /** Saved filters over contacts, their counts and members (for broadcasts). */
  readonly segments;
  /** Messages to a segment, their senders' jobs and their recipients. */
  readonly broadcasts;
  /** Each account's broadcast guardrails: throughput, quiet hours, time zone, frequency cap. */
  readonly sendingSettings;
  /** Sending times booked per account and channel, shared by every node. */
  readonly sendSlots;
  /** The messages broadcasts and campaigns sent each contact, under the frequency cap. */
  readonly contactMessages;
  /** The e-mail channel's addresses, reply tokens and thread ids. */
  readonly email;
  /** Agent lines on their way out through a channel, with their delivery state. */
  readonly outbox;
  /** Per-channel default skills and capacity weights. */
  readonly channelSettings;
  /** Satisfaction surveys sent on customers' own channels, and their answers. */
  readonly csatSurveys;
  /** In-app messaging: app tokens, push devices, per-site push settings. */
  readonly appPush;
  /** Connections to providers (a WhatsApp number, a Telegram bot) and their conversations. */
  readonly channelConnections;
  /** Shops' order webhooks (Shopify, WooCommerce) per site. */
  readonly commerceReceivers;
  /** WhatsApp message templates per connection, as last synced from Meta. */
  readonly whatsappTemplates;
  /** Contacts' opt-ins to WhatsApp and SMS messages. */
  readonly consents;
  /** Voice calls and agents' voice settings. */
  readonly calls;
  /** Callbacks visitors asked for, and their outcomes. */
  readonly callbacks;
  readonly phone: PhoneRepo;
  /** Call recordings: chunks appended during the call, then an attachment; listed and deleted by age. */
  readonly recordings;
  /** Webhook endpoints and the queue of deliveries to them. */
  readonly webhooks;
  /** Everything held about one person: found, exported and erased (GDPR articles 15 and 17). */
  readonly privacy;
  /** Automation rules and their run log. */
  readonly automation;
  /** The queue of domain events automation rules are evaluated on. */
  readonly automationEvents;
  /** Who did what: appended by the audit log, read by owners and admins. */
  readonly audit;
  /** Each account's retention limits, and the batched deletes that apply them. */
  readonly retention;
  /** Service levels: skills' targets, running clocks, breaches (one per conversation and target). */
  readonly sla;

  private constructor(
    readonly kind: StoreKind,
    readonly db: import('kysely').Kysely<import('./schema.ts').Database>,
    private readonly closeConnection: () => Promise<void>,
    /** The PostgreSQL schema this store lives in, when not the default one. */
    private readonly pgSchema?: string,
    eventsWriter?: EventsWriterPort,
    movesMessages = false,
    /** A SQLite file at `full`: syncs the WAL from the thread pool after each write (wal-sync.ts). */
    readonly walSync: WalSync | null = null,
    /**
     * Where reports read: on a SQLite file, read-only connections on threads of their own
     * (sqlite-readers.ts), so a long report never holds the socket thread; elsewhere `db`.
     */
    readonly reportsDb: import('kysely').Kysely<import('./schema.ts').Database> = db,
    /** A SQLite file: the checkpointer thread, whose counts and hold times the metrics show. */
    readonly walCheckpoints: WalCheckpoints | null = null,
  ) {
    this.accounts = new AccountsRepo(db);
    this.users = new UsersRepo(db);
    this.agentStates = new AgentStatesRepo(db);
    this.masking = new MaskingRepo(db);
    this.sites = new SitesRepo(db, this.secrets);
    this.skills = new SkillsRepo(db);
    this.apiKeys = new ApiKeysRepo(db);
    this.authSessions = new AuthSessionsRepo(db);
    this.twoFactor = new TwoFactorRepo(db, this.secrets);
    this.sso = new SsoRepo(db, this.secrets);
    this.settings = new SettingsRepo(db, this.secrets);
    this.caps = capabilitiesOf(kind, movesMessages);
    this.webhooks = new WebhooksRepo(db, this.caps, this.secrets);
    this.bots = new BotsRepo(db, this.secrets, this.webhooks);
    this.knowledge = new KnowledgeRepo(db);
    this.answerGeneration = new AnswerGenerationRepo(db, this.secrets);
    this.assist = new AssistRepo(db, this.secrets);
    this.summaries = new SummariesRepo(db);
    this.classifications = new ClassificationsRepo(db);
    this.translations = new TranslationsRepo(db);
    this.automation = new AutomationRepo(db);
    this.automationEvents = new AutomationEventsRepo(db, this.caps, this.automation);
    this.webhooks.automation = this.automationEvents;
    this.conversations = new ConversationsRepo(db, this.caps, this.webhooks);
    this.assignment = new AssignmentRepo(db, this.caps, this.webhooks, this.summaries);
    this.participants = new ParticipantsRepo(db);
    this.messages = new MessagesRepo(db, this.caps, this.webhooks);
    this.attachments = new AttachmentsRepo(db);
    this.cannedResponses = new CannedResponsesRepo(db);
    this.mentions = new MentionsRepo(db);
    this.scheduledMessages = new ScheduledMessagesRepo(db, this.caps);
    this.macros = new MacrosRepo(db);
    this.routing = new RoutingRepo(db);
    this.campaigns = new CampaignsRepo(db, this.webhooks);
    this.visitors = new VisitorsRepo(db);
    this.exposures = new ExposuresRepo(db);
    this.conversions = new ConversionsRepo(db);
    this.eventsWriter = eventsWriter ?? new EventsWriter(db);
    this.models = new ModelsRepo(db);
    this.modelSessions = new ModelSessionsRepo(db);
    this.modelSettings = new ModelSettingsRepo(db);
    this.contacts = new ContactsRepo(db, this.webhooks);
    this.segments = new SegmentsRepo(db, this.caps);
    this.broadcasts = new BroadcastsRepo(db, reportsDb);
    this.sendingSettings = new SendingSettingsRepo(db);
    this.sendSlots = new SendSlotsRepo(db, this.caps);
    this.contactMessages = new ContactMessagesRepo(db, this.caps);
    this.email = new EmailRepo(db);
    this.outbox = new OutboxRepo(db, this.caps);
    this.channelSettings = new ChannelSettingsRepo(db);
    this.csatSurveys = new CsatSurveysRepo(db);
    this.appPush = new AppPushRepo(db, this.secrets);
    this.channelConnections = new ChannelConnectionsRepo(db, this.secrets);
    this.commerceReceivers = new CommerceReceiversRepo(db, this.secrets);
    this.whatsappTemplates = new WhatsAppTemplatesRepo(db);
    this.consents = new ContactConsentsRepo(db);
    this.calls = new CallsRepo(db);
    this.callbacks = new CallbacksRepo(db);
    this.phone = new PhoneRepo(db, this.secrets);
    this.privacy = new PrivacyRepo(db, kind);
    this.audit = new AuditRepo(db);
    this.retention = new RetentionRepo(db, this.caps);
    this.sla = new SlaRepo(db, this.webhooks);
    this.recordings = new CallRecordingsRepo(db);
  }

  /** Connects (SQLite by default, PostgreSQL when `databaseUrl` is set); call `migrate()` before use. */
  /** Seals the secrets written from now on with `box`, and reads those it sealed. */
  useSecrets(box: SecretBox): void {
    this.secrets.box = box;
  }

  /**
   * Seals again every stored secret that is plain (written before sealing began) or sealed with a
   * previous key, so a rotation ends once each node has started with the new key. Answers how many.
   */
  async resealSecrets(): Promise<number> {
    return resealAll(this.db, this.secrets.box);
  }

  static async open(opts: StoreConnectionOptions): Promise<Store> {
    const c = await connectStore(opts);
    // A SQLite file gets an events writer thread of its own (BECKON_WRITER_THREAD=0 keeps it here).
    const writer =
      c.sqlite && c.sqlite.file !== ':memory:' && process.env.BECKON_WRITER_THREAD !== '0'
        ? new ThreadEventsWriter(c.sqlite.file, new EventsWriter(c.db), c.sqlite.synchronous)
        : undefined;
    const reportsDb =
      c.sqlite && c.sqlite.file !== ':memory:'
        ? new Kysely<Database>({ dialect: readersDialect(new SqliteReaders(c.sqlite.file)) })
        : c.db;
    return new Store(
      c.kind,
      c.db,
      c.close,
      c.kind === 'postgres' ? opts.pgSchema : undefined,
      writer,
      c.movesMessages,
      c.sqlite?.wal ?? null,
      reportsDb,
      c.checkpoints ?? null,
    );
  }

  /**
   * Applies every pending migration (or migrates up or down to `target`, a migration's name);
   * safe to run on each start and from several nodes in turn.
   */
  async migrate(target?: string): Promise<string[]> {
    // With a schema named, Kysely looks for its migration tables in that schema only; otherwise it
    // may see another schema's tables (parallel test servers) and skip creating its own.
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider,
      ...(this.pgSchema ? { migrationTableSchema: this.pgSchema } : {}),
    });
    const { error, results } = await (target ? migrator.migrateTo(target) : migrator.migrateToLatest());
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  /** True when the store answers and every migration this code knows is applied (readiness). */
  async ready(): Promise<boolean> {
    return (await this.readiness()).ok;
  }

  /** Whether the store answers with every migration this code knows applied, and if not, why (`/readyz`). */
  async readiness(timeoutMs = READINESS_TIMEOUT_MS): Promise<{ ok: boolean; reason?: string }> {
    let timer: NodeJS.Timeout | undefined;
    // A store behind a silent network never answers: readiness says so within its own deadline,
    // so a load balancer's probe sees 503 rather than no answer.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the store did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const query = sql<{ name: string }>`select name from kysely_migration order by name`.execute(this.db);
      query.catch(() => {}); // answered after the deadline: nobody waits for it any more
      const rows = await Promise.race([query, late]);
      if (rows.rows.some((r) => r.name === latestMigration)) return { ok: true };
      return { ok: false, reason: `migration ${latestMigration} is not applied` };
    } catch (err) {
      return { ok: false, reason: describeStoreError(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.eventsWriter.close();
    if (this.reportsDb !== this.db) await this.reportsDb.destroy();
    await this.closeConnection();
  }
}
