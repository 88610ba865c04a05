import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BroadcastView } from '../src/api/broadcasts.ts';
import {
  broadcastInput,
  broadcastPatch,
  emptyForm,
  fieldForPath,
  formErrors,
  formOf,
} from '../src/pages/broadcasts/broadcast-form.ts';
import { routeOf } from '../src/pages/broadcasts/broadcast-reach.ts';
import type { Contact } from '../src/pages/broadcasts/broadcast-sample.ts';
import { reasonLabel, recipientStateLabel } from '../src/pages/broadcasts/broadcast-text.ts';
import { fillFor, requiredFields } from '../src/pages/broadcasts/broadcast-variables.ts';

const contact = (c: Partial<Contact>): Contact => ({
  id: 'con_1',
  name: null,
  email: null,
  phone: null,
  externalId: null,
  verified: false,
  attributes: {},
  emailOptOut: false,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  lastSeenAt: '2026-01-01T00:00:00Z',
  ...c,
});

describe('the broadcast preview fills a text as the sender does', () => {
  it('puts in values, falls back, and names the first value a contact lacks', () => {
    const rosa = contact({ name: '  Rosa   Díaz ', attributes: { code: 'ROSA20', n: 3 } });
    assert.deepEqual(fillFor('Hi {{name|there}}, {{ attributes.code }} ×{{attributes.n}}', rosa), {
      text: 'Hi Rosa Díaz, ROSA20 ×3',
      missing: null,
    });
    const anon = contact({});
    assert.deepEqual(fillFor('Hi {{name|there}}', anon), { text: 'Hi there', missing: null });
    assert.equal(fillFor('{{email}} {{attributes.code}}', anon).missing, 'email');
    assert.deepEqual(
      requiredFields(['Hi {{name|there}} {{attributes.code}}', '{{email}} {{attributes.code}}']),
      ['attributes.code', 'email'],
    );
  });

  it('chooses the first channel of the order the contact can be reached on, or says why none', () => {
    const none = { items: [], smsOptOut: false, appSites: [], pushSites: [] };
    const sms = {
      items: [{ channel: 'sms' as const, source: 'api' as const, detail: null, at: '' }],
      smsOptOut: false,
      appSites: [],
      pushSites: [],
    };
    const phone = contact({ phone: '+34600000001', email: 'a@example.com' });
    assert.deepEqual(routeOf(['sms', 'email'], phone, sms), { channel: 'sms' });
    assert.deepEqual(routeOf(['whatsapp', 'email'], phone, sms), { channel: 'email' });
    assert.deepEqual(routeOf(['sms'], phone, none), { skip: 'no reachable channel' });
    assert.deepEqual(routeOf(['sms'], phone, { ...sms, smsOptOut: true }), { skip: 'opted out' });
    assert.deepEqual(routeOf(['email'], contact({ email: 'b@example.com', emailOptOut: true }), none), {
      skip: 'opted out',
    });
    // The app and push reach those signed in to the chosen site's app, or with a device for it.
    const inApp = { ...none, appSites: ['site_a'], pushSites: ['site_b'] };
    const sites = { app: 'site_a', push: 'site_a' };
    assert.deepEqual(routeOf(['push', 'app', 'email'], phone, inApp, sites), { channel: 'app' });
    assert.deepEqual(routeOf(['push', 'email'], phone, inApp, { push: 'site_b' }), { channel: 'push' });
    assert.deepEqual(routeOf(['push', 'app'], phone, none, sites), { skip: 'no reachable channel' });
  });
});

describe('the broadcast form', () => {
  it('refuses a send time in the past and names what is missing per channel', () => {
    const form = {
      ...emptyForm(new Date(2026, 10, 28, 9)),
      when: 'later' as const,
      date: '2026-11-27',
      time: '09:00',
    };
    const errors = formErrors(
      { ...form, channels: ['sms', 'email'] },
      null,
      new Date(2026, 10, 28, 9).getTime(),
    );
    assert.equal(errors.sendAt, 'This time has passed. Choose a later one, or send now.');
    assert.equal(errors.name, 'Give the broadcast a name.');
    assert.equal(errors['sms.connectionId'], 'Choose an SMS connection.');
    assert.equal(errors['email.subject'], 'Write this text.');
    const bad = formErrors({ ...emptyForm(), sms: { connectionId: 'c', text: 'Hi {{first_name}}' } }, null);
    assert.match(bad['sms.text'] ?? '', /\{\{first_name\}\} names no contact value/);
  });

  it('sends only the channels of the order, and the time the fields name', () => {
    const form = {
      ...emptyForm(),
      name: ' Spring ',
      segmentId: 'seg_1',
      channels: ['email' as const],
      sms: { connectionId: 'c', text: 'left out' },
      email: { subject: 'S', text: 'T', html: '' },
      when: 'later' as const,
      date: '2030-01-02',
      time: '10:30',
    };
    const body = broadcastInput(form, 'scheduled');
    assert.deepEqual(body.content, { email: { subject: 'S', text: 'T' } });
    assert.equal(body.name, 'Spring');
    assert.equal(body.sendAt, new Date(2030, 0, 2, 10, 30).toISOString());
    assert.equal(body.holdoutPercent, 10);
  });

  it('places a server fault on the field its path names', () => {
    assert.equal(fieldForPath('/content/sms/text'), 'sms.text');
    assert.equal(fieldForPath('/content/whatsapp/template/variables/body/1'), 'whatsapp.body.1');
    assert.equal(fieldForPath('/content/sms'), 'sms.connectionId');
    assert.equal(fieldForPath('/sendAt'), 'sendAt');
    assert.equal(fieldForPath('/filter'), null);
  });

  it('opens a saved broadcast as it was saved, and saves it back unchanged', () => {
    const now = new Date(2030, 0, 1, 9, 0);
    const sendAt = new Date(2030, 0, 2, 10, 30).toISOString();
    const body = {
      name: 'Spring',
      segmentId: 'seg_1',
      channels: ['whatsapp' as const, 'sms' as const, 'email' as const],
      content: {
        whatsapp: {
          connectionId: 'wa',
          template: {
            name: 'order_update',
            language: 'en_US',
            variables: { body: { '1': '{{name|there}}' } },
          },
        },
        sms: { connectionId: 'tw', text: 'Hi {{name|there}}' },
        email: { subject: 'S', text: 'T', html: '<p>T</p>' },
      },
      skillId: 'sk_1',
      holdoutPercent: 25,
      status: 'draft' as const,
      sendAt,
    };
    const saved = { ...body, id: 'bc_1', startedAt: null } as unknown as BroadcastView;
    const form = formOf(saved, now);
    assert.equal(form.when, 'later');
    assert.deepEqual(broadcastInput(form, 'draft'), body);
    // A time that has passed opens as "now", and a change says so with sendAt: null.
    const passed = formOf(saved, new Date(2031, 0, 1));
    assert.equal(passed.when, 'now');
    assert.equal(broadcastPatch(passed, 'scheduled').sendAt, null);
    assert.equal(broadcastPatch(form, 'scheduled').sendAt, sendAt);
  });
});

describe('how recipients’ states and reasons read', () => {
  it('names a template’s missing value, a cancel’s withdrawal, and leaves the server’s own words', () => {
    assert.equal(reasonLabel('no attributes.order'), 'No value for attributes.order');
    assert.equal(reasonLabel('no outgoing mail server is set up'), 'no outgoing mail server is set up');
    assert.equal(reasonLabel('the broadcast was cancelled'), 'The broadcast was cancelled');
    assert.equal(recipientStateLabel('withdrawn'), 'Withdrawn');
  });
});
