import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type SmtpSink, startSmtpSink } from '../packages/server/test/helpers/smtp-sink.ts';
import { startSms } from '../packages/server/test/helpers/twilio-server.ts';
import { type Person, seedPeople } from '../packages/server/test/segment-fixtures.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

/**
 * A spring cohort: two reachable by SMS (one without the discount code the text names), two by
 * e-mail only (one without a name), one who texted STOP and has no address, one who opted out of
 * e-mail and has no number.
 */
const COHORT: Person[] = [
  {
    name: 'Rosa Díaz',
    email: 'rosa@example.com',
    phone: '+34600000001',
    attributes: { cohort: 'spring', code: 'ROSA20' },
    consents: ['sms'],
  },
  {
    name: 'Jonas Weber',
    email: 'jonas@example.com',
    phone: '+49170000002',
    attributes: { cohort: 'spring' },
    consents: ['sms'],
  },
  { name: 'Mia Chen', email: 'mia@example.com', phone: null, attributes: { cohort: 'spring' } },
  { name: null, email: 'anon@example.com', phone: null, attributes: { cohort: 'spring' } },
  {
    name: 'Omar Haddad',
    email: null,
    phone: '+44700000004',
    attributes: { cohort: 'spring' },
    consents: ['sms'],
    smsOptOut: true,
  },
  {
    name: 'Lena Park',
    email: 'lena@example.com',
    phone: null,
    attributes: { cohort: 'spring' },
    emailOptOut: true,
  },
];

type Funnel = {
  targeted: number;
  heldOut: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  byChannel: Record<
    string,
    { queued: number; sent: number; delivered: number; read: number; failed: number }
  >;
};

describe('broadcasts in the console', { timeout: 180_000 }, () => {
  let sms: Awaited<ReturnType<typeof startSms>>;
  let sink: SmtpSink;
  let browser: Browser;
  let segmentId = '';
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sms.srv.url}${path}`, {
      method,
      headers: {
        cookie: sms.admin.cookie,
        'x-csrf-token': sms.admin.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads the API's JSON as it comes
    const json: any = res.status === 204 ? null : await res.json();
    return { status: res.status, body: json };
  };

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    sink = await startSmtpSink();
    [sms, browser] = await Promise.all([
      startSms({
        BECKON_SMTP_URL: sink.url,
        BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
        BECKON_EMAIL_FROM: 'Demo Store <news@demo.beckon.local>',
        BECKON_BROADCAST_POLL_MS: '100',
        BECKON_BROADCAST_PAGE: '3',
      }),
      launchBrowser(),
    ]);
    const demo = sms.srv.demo!;
    await seedPeople(sms.srv.node.ctx.store, demo.accountId, demo.siteId, COHORT, Date.now(), 'bc');
  });
  after(async () => {
    await browser?.close();
    await sms?.close();
    await sink?.close();
  });

  /** A screenshot of the page in a window tall enough for all of it (the shell's bars stay in place). */
  const shoot = async (page: Page, name: string, height: number) => {
    // The offline reminder is for agents at work; the pictures show the page.
    const later = page.getByRole('button', { name: 'Not now' });
    if (await later.count()) await later.click();
    await page.setViewportSize({ width: 1440, height });
    await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  /** The figure a funnel step shows, as a number. */
  const stepCount = async (page: Page, step: string) =>
    Number(
      (
        (await page
          .locator(`[data-testid="funnel-step"][data-step="${step}"] .funnel-count`)
          .textContent()) ?? ''
      ).replace(/\D/g, ''),
    );

  it('an admin writes a broadcast with a live preview, sends it, and reads its funnel', async () => {
    const { page, errors, context } = await signedInAs(
      browser,
      sms.srv,
      'admin@demo.beckon.local',
      '/console/broadcasts',
    );
    await page.getByTestId('broadcasts-empty').waitFor();
    assert.match(
      (await page.getByTestId('broadcasts-empty').textContent()) ?? '',
      /A broadcast sends one message/,
    );
    const seg = await api('POST', '/api/v1/segments', {
      name: 'Spring cohort',
      filter: { field: 'attribute.cohort', op: 'equals', value: 'spring' },
    });
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    segmentId = seg.body.id;

    await page.getByTestId('broadcasts-empty').getByRole('link', { name: 'New broadcast' }).click();
    await page.getByRole('heading', { name: 'New broadcast', level: 1 }).waitFor();

    // Nothing filled: the browser names what is missing, and sends nothing.
    await page.getByTestId('broadcast-send').click();
    await page.getByText('Give the broadcast a name.').waitFor();
    await page.getByText('Choose who gets it.').waitFor();

    await page.getByLabel('Name').fill('Spring prices');
    await page.getByLabel('Segment').selectOption(segmentId);
    await until(
      async () =>
        /^6 contacts match now$/.test((await page.getByTestId('segment-live-count').textContent()) ?? ''),
      'the live count of the segment',
    );

    // The order: SMS first; e-mail added and moved with the keyboard alone.
    await page.getByRole('button', { name: 'Add E-mail' }).focus();
    await page.keyboard.press('Enter');
    const order = page.getByTestId('channel-order').locator('li');
    await until(async () => (await order.count()) === 2, 'e-mail in the order');
    const moveUp = page.getByRole('button', { name: 'Move E-mail up' });
    await until(
      () => moveUp.evaluate((el) => el === el.ownerDocument.activeElement),
      'focus on the added channel',
    );
    await page.keyboard.press('Enter');
    await until(async () => (await order.first().getAttribute('data-channel')) === 'email', 'e-mail first');
    // At the top "up" is disabled: the focus moved to "down" of the same channel.
    const moveDown = page.getByRole('button', { name: 'Move E-mail down' });
    await until(
      () => moveDown.evaluate((el) => el === el.ownerDocument.activeElement),
      'focus kept on e-mail',
    );
    await page.keyboard.press('Enter');
    await until(async () => (await order.first().getAttribute('data-channel')) === 'sms', 'SMS first again');

    // The one SMS connection is chosen already.
    const smsBox = page.getByTestId('content-sms');
    assert.equal(await smsBox.getByLabel('SMS connection').inputValue(), sms.created.id);
    await smsBox
      .getByLabel('Text')
      .fill(
        'Hi {{name|there}}, code {{attributes.code}} takes 20 % off spring prices. Reply STOP to opt out.',
      );
    const mail = page.getByTestId('content-email');
    await mail.getByLabel('Subject').fill('Spring for {{name|you}}');
    await mail.getByLabel('Text', { exact: true }).fill('Hello {{name|there}}, spring prices are in.');

    // The preview fills the values of the first member, and names who would be skipped.
    const preview = page.getByTestId('broadcast-preview');
    await until(
      async () =>
        ((await preview.getByTestId('preview-sms').textContent()) ?? '').includes(
          'Hi Rosa Díaz, code ROSA20 takes 20 % off',
        ),
      'the SMS as Rosa gets it',
    );
    // Each of the first members: the channel they get, or why they are skipped.
    const routes = preview.getByTestId('preview-route');
    await until(async () => (await routes.count()) === 6, 'a line per member');
    const routeOf = async (name: string) =>
      ((await routes.filter({ hasText: name }).textContent()) ?? '').replace(name, '').trim();
    assert.equal(await routeOf('Rosa Díaz'), 'SMS');
    assert.equal(await routeOf('Jonas Weber'), 'SkippedOn SMS: no value for attributes.code');
    assert.equal(await routeOf('Mia Chen'), 'E-mail');
    assert.equal(await routeOf('anon@example.com'), 'E-mail');
    assert.equal(await routeOf('Omar Haddad'), 'SkippedOpted out');
    assert.equal(await routeOf('Lena Park'), 'SkippedOpted out');
    assert.match(
      (await preview.getByTestId('preview-routes').textContent()) ?? '',
      /first 6 members, 3 would get it/,
    );
    await preview.getByTestId('preview-contact').selectOption({ label: 'Jonas Weber' });
    await preview.getByText('Jonas Weber would be skipped: no value for attributes.code.').waitFor();
    await preview.getByTestId('preview-contact').selectOption({ label: 'Rosa Díaz' });
    await preview.getByRole('radio', { name: 'E-mail' }).check();
    await until(
      async () =>
        ((await preview.getByTestId('preview-email').textContent()) ?? '').includes('Spring for Rosa Díaz'),
      'the e-mail as Rosa gets it',
    );
    await preview.getByText('Rosa Díaz gets it on SMS, the first channel they can be reached on.').waitFor();
    await preview.getByRole('radio', { name: 'SMS' }).check();
    await page.getByRole('heading', { name: 'New broadcast', level: 1 }).scrollIntoViewIfNeeded();
    await shoot(page, 'broadcasts-editor', 1900);

    // A time in the past is refused in the browser.
    await page.getByRole('radio', { name: 'At a date and time' }).check();
    await page.getByLabel('Date', { exact: true }).fill('2020-01-01');
    await page.getByRole('button', { name: 'Schedule broadcast' }).click();
    await page.getByText('This time has passed. Choose a later one, or send now.').waitFor();
    await page.getByRole('radio', { name: 'Now' }).check();
    // No holdout here: the hash of a new broadcast's id holds out each contact with a 10 % chance,
    // and Rosa's SMS is the delivery this test follows.
    await page.getByLabel('Holdout', { exact: true }).fill('0');
    await page.getByTestId('broadcast-send').click();

    // The detail: the notice, then the funnel once everything left the outbox.
    await page.getByTestId('broadcast-notice').getByText('Sending “Spring prices”.').waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const done: { status: string; funnel: Funnel } = await until(
      async () => {
        const b = (await api('GET', `/api/v1/broadcasts/${id}`)).body;
        return b.status === 'sent' && b.funnel.sent + b.funnel.failed === b.funnel.queued ? b : null;
      },
      'the broadcast sent and its outbox empty',
      30_000,
    );
    // Rosa's SMS is delivered: Twilio reports it.
    const rosa = await until(() => sms.twilio.sent.find((s) => s.To === '+34600000001'), 'Rosa’s SMS');
    assert.match(rosa.Body, /^Hi Rosa Díaz, code ROSA20/);
    assert.equal((await sms.twilio.report(rosa, 'delivered')).status, 200);
    const f: Funnel = await until(async () => {
      const b = (await api('GET', `/api/v1/broadcasts/${id}`)).body;
      return b.funnel.delivered === 1 ? b.funnel : null;
    }, 'the delivery counted');
    assert.equal(done.funnel.targeted, 6);
    assert.equal(done.funnel.heldOut, 0, 'the holdout set to 0 in the editor');
    // Each contact of the send group got what their reachability and values allow.
    const expected: Record<string, [state: RegExp, reason: string | null]> = {
      con_bc_000: [/^(sent|delivered)$/, null],
      con_bc_001: [/^skipped$/, 'no attributes.code'],
      con_bc_002: [/^sent$/, null],
      con_bc_003: [/^sent$/, null],
      con_bc_004: [/^skipped$/, 'opted out'],
      con_bc_005: [/^skipped$/, 'opted out'],
    };
    const rows: { contactId: string; arm: string; state: string; reason: string | null }[] = (
      await api('GET', `/api/v1/broadcasts/${id}/recipients`)
    ).body.items;
    for (const r of rows.filter((x) => x.arm === 'send')) {
      const [state, reason] = expected[r.contactId]!;
      assert.match(r.state, state, r.contactId);
      assert.equal(r.reason, reason, r.contactId);
    }

    await page.reload();
    await page.getByTestId('broadcast-funnel').waitFor();
    assert.equal((await page.getByTestId('broadcast-status').textContent())?.trim(), 'Sent');
    for (const step of ['targeted', 'queued', 'sent', 'delivered', 'read'] as const)
      assert.equal(await stepCount(page, step), f[step], `the ${step} step`);
    for (const [testId, n] of [
      ['funnel-held-out', f.heldOut],
      ['funnel-skipped', f.skipped],
      ['funnel-failed', f.failed],
    ] as const)
      assert.equal(await page.getByTestId(testId).getAttribute('data-count'), String(n), testId);
    const skippedBy = (await api('GET', `/api/v1/broadcasts/${id}`)).body.funnel.skippedBy as Record<
      string,
      number
    >;
    for (const [reason, n] of Object.entries(skippedBy)) {
      const row = page.locator(`[data-testid="funnel-skip-reason"][data-reason="${reason}"]`);
      assert.match((await row.textContent()) ?? '', new RegExp(`${n}$`), reason);
    }
    for (const [channel, c] of Object.entries(f.byChannel)) {
      const row = page.locator(`[data-testid="channel-row"][data-channel="${channel}"]`);
      const cells = (await row.locator('td.cell-number').allTextContents()).map(Number);
      const inDoubt = (c as { inDoubt?: number }).inDoubt ?? 0;
      assert.deepEqual(cells, [c.queued, c.sent, c.delivered, c.read, c.failed, inDoubt], channel);
    }
    const recipients = page.getByTestId('recipient-row');
    await until(async () => (await recipients.count()) === f.targeted, 'a row per recipient');
    await page.getByTestId('broadcast-recipients').getByRole('link', { name: 'Rosa Díaz' }).waitFor();
    // Lift against the holdout, as the API measures it: contacts and converted per group.
    const lift = (await api('GET', `/api/v1/broadcasts/${id}`)).body.lift;
    assert.ok(lift, 'a started send has its lift measured');
    const liftRows = page.getByTestId('broadcast-lift').locator('tbody tr');
    await until(async () => (await liftRows.count()) === 2, 'both groups in the lift table');
    for (const [i, arm] of [lift.send, lift.holdout].entries()) {
      const cells = await liftRows.nth(i).locator('td.cell-number').allTextContents();
      assert.deepEqual(cells.slice(0, 2).map(Number), [arm.contacts, arm.converted], `group ${i}`);
    }
    assert.equal(lift.send.contacts + lift.holdout.contacts, f.targeted);
    // A sent broadcast cannot be cancelled.
    assert.equal(await page.getByTestId('broadcast-cancel').count(), 0);
    await shoot(page, 'broadcasts-detail', 1500);

    // The list: newest first, with its status, segment, channels and the funnel in brief.
    await page.getByRole('link', { name: '← All broadcasts' }).click();
    const row = page.getByTestId('broadcast-row');
    await until(async () => (await row.count()) === 1, 'the broadcast listed');
    assert.equal((await row.getByTestId('broadcast-status').textContent())?.trim(), 'Sent');
    assert.equal((await row.getByTestId('broadcast-segment').textContent())?.trim(), 'To Spring cohort');
    const brief = row.getByTestId('broadcast-funnel-brief');
    assert.equal(await brief.locator('[data-step="targeted"] dd').textContent(), String(f.targeted));
    assert.equal(await brief.locator('[data-step="sent"] dd').textContent(), String(f.sent));
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('an admin schedules one for tomorrow and cancels it; cancelling a finished one says so', async () => {
    const { page, errors, context } = await signedInAs(
      browser,
      sms.srv,
      'admin@demo.beckon.local',
      '/console/broadcasts/new',
    );
    await page.getByLabel('Name').fill('Weekend teaser');
    await page.getByLabel('Segment').selectOption(segmentId);
    await page
      .getByTestId('content-sms')
      .getByLabel('Text')
      .fill('Hi {{name|there}}, the weekend sale starts soon.');
    await page.getByRole('radio', { name: 'At a date and time' }).check();
    // The date starts at tomorrow, 10:00.
    await page
      .getByTestId('send-at-summary')
      .getByText(/^Goes out /)
      .waitFor();
    await page.getByRole('button', { name: 'Schedule broadcast' }).click();
    await page.getByTestId('broadcast-notice').getByText('Scheduled “Weekend teaser”.').waitFor();
    assert.equal((await page.getByTestId('broadcast-status').textContent())?.trim(), 'Scheduled');
    await page.getByRole('heading', { name: 'Waiting to send' }).waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const stored = (await api('GET', `/api/v1/broadcasts/${id}`)).body;
    const at = new Date(stored.sendAt);
    assert.equal(at.getHours(), 10);
    assert.ok(at.getTime() > Date.now() + 60 * 60_000, 'tomorrow');
    // Nothing sent yet, so nothing to measure.
    assert.equal(stored.lift, null);
    await page
      .getByTestId('broadcast-lift-pending')
      .getByText('Results appear once messages go out.')
      .waitFor();

    await page.getByTestId('broadcast-cancel').click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel broadcast' }).click();
    await until(
      async () => (await page.getByTestId('broadcast-status').textContent())?.trim() === 'Cancelled',
      'cancelled',
    );
    assert.equal((await api('GET', `/api/v1/broadcasts/${id}`)).body.status, 'cancelled');

    // Another, cancelled elsewhere while the dialog is open: the 409 reads as a sentence.
    const other = await api('POST', '/api/v1/broadcasts', {
      name: 'Late offer',
      segmentId,
      channels: ['sms'],
      content: { sms: { connectionId: sms.created.id, text: 'Hi {{name|there}}.' } },
      sendAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    await page.goto(`${sms.srv.url}/console/broadcasts/${other.body.id}`);
    await page.getByTestId('broadcast-cancel').click();
    assert.equal((await api('POST', `/api/v1/broadcasts/${other.body.id}/cancel`)).status, 200);
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel broadcast' }).click();
    await page
      .getByTestId('confirm-dialog')
      .getByText('“Late offer” has finished already, so there is nothing left to cancel.')
      .waitFor();

    // The list, newest first: a draft, the cancelled ones, the sent one.
    const draft = await api('POST', '/api/v1/broadcasts', {
      name: 'Summer preview',
      segmentId,
      channels: ['email'],
      content: { email: { subject: 'Summer for {{name|you}}', text: 'Soon.' } },
      status: 'draft',
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    await page.goto(`${sms.srv.url}/console/broadcasts`);
    const names = page.getByTestId('broadcast-row').locator('th a');
    await until(async () => (await names.count()) === 4, 'four broadcasts');
    assert.deepEqual(await names.allTextContents(), [
      'Summer preview',
      'Late offer',
      'Weekend teaser',
      'Spring prices',
    ]);
    assert.deepEqual(await page.getByTestId('broadcast-status').allTextContents(), [
      'Draft',
      'Cancelled',
      'Cancelled',
      'Sent',
    ]);
    await shoot(page, 'broadcasts-list', 900);

    // The draft opens in the editor as it was saved, and a change is saved to it.
    await page.getByRole('link', { name: 'Summer preview' }).click();
    await page.getByTestId('broadcast-draft-note').waitFor();
    await page.getByTestId('broadcast-edit').click();
    await page.getByRole('heading', { name: 'Edit Summer preview', level: 1 }).waitFor();
    const mailBox = page.getByTestId('content-email');
    assert.equal(await mailBox.getByLabel('Subject').inputValue(), 'Summer for {{name|you}}');
    assert.equal(await page.getByLabel('Segment').inputValue(), segmentId);
    await mailBox.getByLabel('Subject').fill('Summer is here, {{name|you}}');
    await page.getByLabel('Holdout', { exact: true }).fill('20');
    await page.getByRole('heading', { name: 'Edit Summer preview', level: 1 }).scrollIntoViewIfNeeded();
    await shoot(page, 'broadcasts-edit', 1700);
    await page.getByTestId('broadcast-save-draft').click();
    await page.getByTestId('broadcast-notice').getByText('Saved “Summer preview” as a draft.').waitFor();
    const changed = (await api('GET', `/api/v1/broadcasts/${draft.body.id}`)).body;
    assert.equal(changed.content.email.subject, 'Summer is here, {{name|you}}');
    assert.equal(changed.holdoutPercent, 20);
    assert.equal(changed.status, 'draft');
    // A cancelled broadcast has nothing to edit.
    await page.goto(`${sms.srv.url}/console/broadcasts/${other.body.id}`);
    await page.getByTestId('broadcast-facts').waitFor();
    assert.equal(await page.getByTestId('broadcast-edit').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('an agent reads broadcasts without the buttons to send or cancel; German labels', async () => {
    const { page, errors, context } = await signedInAs(
      browser,
      sms.srv,
      'sales@demo.beckon.local',
      '/console/broadcasts',
    );
    await page.getByTestId('broadcast-table').waitFor();
    assert.equal(await page.getByRole('link', { name: 'New broadcast' }).count(), 0);
    await page.getByRole('link', { name: 'Weekend teaser' }).click();
    await page.getByTestId('broadcast-facts').waitFor();
    assert.equal(await page.getByTestId('broadcast-cancel').count(), 0);
    await context.close();

    const speak = await fetch(`${sms.srv.url}/api/v1/me/console-language`, {
      method: 'PUT',
      headers: {
        cookie: sms.admin.cookie,
        'x-csrf-token': sms.admin.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ language: 'de' }),
    });
    assert.ok(speak.ok, `console-language: ${speak.status}`);
    const de = await signedInAs(browser, sms.srv, 'admin@demo.beckon.local', '/console/broadcasts');
    await de.page.getByRole('heading', { name: 'Broadcasts', level: 1 }).waitFor();
    await de.page.getByRole('link', { name: 'Neuer Broadcast' }).waitFor();
    const head = await de.page.getByTestId('broadcast-table').locator('thead th').allTextContents();
    assert.deepEqual(head, ['Broadcast', 'Status', 'Kanäle', 'Sendezeit', 'Trichter']);
    await de.page.getByRole('link', { name: 'Neuer Broadcast' }).click();
    await de.page.getByRole('heading', { name: 'Kanäle und Nachricht' }).waitFor();
    await de.page.getByRole('button', { name: 'E-Mail hinzufügen' }).waitFor();
    await de.page.getByRole('button', { name: 'Jetzt senden' }).waitFor();
    await de.page.screenshot({ path: `${SHOTS_DIR}/broadcasts-editor-de.png` });
    assert.deepEqual([...errors, ...de.errors], []);
    await de.context.close();
  });
});
