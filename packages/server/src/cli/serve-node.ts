// `beckon serve` and `beckon demo` once parsed: a node started, seeded for the demo, and stopped on
// a signal. Its own module, loaded only by those commands: the others (migrate, user, the offline
// analytics and model tools) start without loading the whole server.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEMO_EMAIL_DOMAIN } from '../channels/email/demo-email.ts';
import { emailOf } from '../channels/email/email-feature.ts';
import { type ConfigOverrides, loadConfig } from '../config.ts';
import { seedDemoAudience } from '../demo/demo-audience.ts';
import { seedDemoHistory } from '../demo/demo-history.ts';
import { seedDemo } from '../demo/seed.ts';
import { createNode } from '../node.ts';
import { installProcessGuard } from '../ops/process-guard.ts';

/** What `serve` and `demo` read from their flags: the settings a flag may override. */
export type ServeFlags = ConfigOverrides;

const SHUTDOWN_LIMIT_MS = 10_000;

/** The port the demo receives mail on, unless the environment names one. */
const DEMO_SMTP_PORT = 2525;

/** Whether nothing listens on `port` at `host` (a moment's listen and close). */
function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Starts a node (and seeds the demo), prints where it answers, and stops it on SIGTERM or SIGINT. */
export async function serveNode(flags: ServeFlags, demo: boolean): Promise<void> {
  // The demo receives mail on port 2525 for its own domain unless the environment says otherwise.
  const env = demo
    ? { BECKON_SMTP_PORT: String(DEMO_SMTP_PORT), BECKON_EMAIL_DOMAIN: DEMO_EMAIL_DOMAIN, ...process.env }
    : process.env;
  let config = loadConfig(flags, env);
  // Another program (a second demo, a mail catcher) has 2525: the demo takes a free port and says
  // which, rather than stop. A port the environment names is kept, and a clash there stops the node.
  const busyMailPort =
    demo &&
    process.env.BECKON_SMTP_PORT === undefined &&
    !(await portFree(DEMO_SMTP_PORT, config.email.smtpHost));
  if (busyMailPort) config = { ...config, email: { ...config.email, smtpPort: 0 } };
  const node = await createNode(config);
  const log = node.ctx.logger;
  if (busyMailPort)
    log.warn(
      { port: DEMO_SMTP_PORT },
      'the demo’s mail port is taken by another program; it receives mail on a free port (below)',
    );
  installProcessGuard(log, node.ctx.metrics);
  let demoInfo: Awaited<ReturnType<typeof seedDemo>> | undefined;
  if (demo) {
    demoInfo = await seedDemo(node.ctx.store, {
      publicUrl: config.publicUrl,
      dataDir: config.dataDir,
      adminEmail: process.env.BECKON_ADMIN_EMAIL,
      adminPassword: process.env.BECKON_ADMIN_PASSWORD,
      emailDomain: config.email.domain,
    });
    // A month of past shoppers: purchase scores (and training) work from the first visit, and the
    // analytics reports have a month to show.
    const past = await seedDemoHistory(node.ctx.store, demoInfo);
    if (past.modelSessions > 0 || past.visits > 0)
      log.info({ component: 'demo', ...past }, 'demo shop history added');
    // Newsletter subscribers and their segment: someone for a broadcast to reach.
    const subscribers = await seedDemoAudience(node.ctx.store, demoInfo.accountId);
    if (subscribers > 0) log.info({ component: 'demo', subscribers }, 'demo newsletter subscribers added');
  }
  await node.listen();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    timer.unref();
    node.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const base = config.publicUrl;
  const lines = [
    '',
    `  Beckon is running on ${node.ctx.store.kind === 'sqlite' ? `the embedded store (${join(config.dataDir, 'beckon.db')})` : 'PostgreSQL'}`,
    '',
    `  Console     ${base}/console/`,
  ];
  if (demoInfo) {
    lines.push(`  Demo store  ${base}/demo/`, '', '  Logins (Demo Store account):');
    for (const l of demoInfo.logins)
      lines.push(`    ${l.role.padEnd(6)} ${l.email.padEnd(28)} ${l.password}`);
    if (demoInfo.logins.length === 0)
      lines.push('    (created earlier; reset with: npx beckon user reset-password EMAIL)');
  }
  const smtpPort = emailOf(node.ctx).smtpPort;
  if (smtpPort !== null) {
    const d = config.email.domain;
    lines.push(
      `  E-mail in   smtp://${config.email.smtpHost}:${smtpPort}${demoInfo ? ` — write to support@${d} (any address @${d})` : ''}`,
    );
  }
  lines.push(`  API docs    ${base}/api/openapi.json`, '');
  process.stdout.write(`${lines.join('\n')}\n`);
}
