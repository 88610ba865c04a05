import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/index.ts';
import { geoFiles, installGeoDatabase } from '../src/geo/geo-files.ts';
import { geoLookupFromEnv, MmdbGeoLookup, NO_GEO } from '../src/geo/geo-lookup.ts';
import { geoFromRecord } from '../src/geo/geo-record.ts';

// The shipped database (DB-IP's IP to City Lite), as a node reads it.
const lookup = new MmdbGeoLookup(geoFiles({}));

describe('the geo lookup (DB-IP IP to City Lite, shipped)', () => {
  it('places public IPv4 addresses in the country, region, city and time zone the database states', async () => {
    assert.deepEqual(await lookup.lookup('81.2.69.142'), {
      country: 'GB',
      region: 'England',
      city: 'London',
      timezone: 'Europe/London',
    });
    assert.deepEqual(await lookup.lookup('130.149.7.201'), {
      country: 'DE',
      region: 'Berlin',
      city: 'Berlin',
      timezone: 'Europe/Berlin',
    });
    assert.deepEqual(await lookup.lookup('1.1.1.1'), {
      country: 'AU',
      region: 'New South Wales',
      city: 'Sydney',
      timezone: 'Australia/Sydney',
    });
    // An IPv4-mapped IPv6 address, as a dual-stack socket reports it, is its IPv4 address.
    assert.equal((await lookup.lookup('::ffff:81.2.69.142'))?.city, 'London');
  });

  it('places public IPv6 addresses', async () => {
    assert.deepEqual(await lookup.lookup('2a00:1450:4001:800::200e'), {
      country: 'DE',
      region: 'Hesse',
      city: 'Frankfurt am Main',
      timezone: 'Europe/Berlin',
    });
    assert.equal((await lookup.lookup('2001:67c:1560:8001::14'))?.country, 'GB');
  });

  it('gives no location for private, loopback, documentation or malformed addresses', async () => {
    for (const address of [
      '10.1.2.3',
      '192.168.0.10',
      '172.16.5.4',
      '127.0.0.1',
      '::1',
      'fe80::1',
      'fd00::5',
      '100.64.0.1',
      '203.0.113.7',
      '2001:db8::1',
      '::ffff:10.0.0.1',
      'unknown',
      '',
      '81.2.69.142, 10.0.0.1',
    ])
      assert.equal(await lookup.lookup(address), null, address);
  });

  it('turns off with BECKON_GEO=off, and a missing file gives no location instead of an error', async () => {
    assert.equal(geoLookupFromEnv(undefined, undefined, { BECKON_GEO: 'off' }), NO_GEO);
    const missing = new MmdbGeoLookup({ v4: '/nonexistent/geo.mmdb', v6: '/nonexistent/geo6.mmdb' });
    assert.equal(await missing.lookup('81.2.69.142'), null);
  });
});

describe('database records', () => {
  it('read the GeoIP2 City layout too (a GeoLite2 file of one’s own)', () => {
    assert.deepEqual(
      geoFromRecord({
        country: { iso_code: 'fr' },
        subdivisions: [{ names: { en: 'Île-de-France' } }],
        city: { names: { en: 'Paris' } },
        location: { time_zone: 'Europe/Paris', latitude: 48.85, longitude: 2.35 },
      }),
      { country: 'FR', region: 'Île-de-France', city: 'Paris', timezone: 'Europe/Paris' },
    );
  });

  it('keep only a country code targeting knows, and name no district', () => {
    assert.deepEqual(geoFromRecord({ country_code: 'ZZ', city: 'Hanover (Buchholz-Kleefeld)', state1: '' }), {
      city: 'Hanover',
    });
    assert.equal(geoFromRecord({ country_code: '', city: '', state1: '', timezone: '' }), null);
    assert.equal(geoFromRecord(null), null);
  });
});

describe('beckon geo update', () => {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-geo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs a checked database in the data directory, which nodes then read first', async () => {
    const shipped = geoFiles({});
    const { builtAt } = installGeoDatabase(dir, shipped.v4, shipped.v6);
    assert.ok(builtAt.getTime() > Date.UTC(2024, 0, 1));
    const installed = geoFiles({}, dir);
    assert.notEqual(installed.v4, shipped.v4);
    assert.equal((await new MmdbGeoLookup(installed).lookup('81.2.69.142'))?.country, 'GB');
    assert.deepEqual(geoFiles({ BECKON_GEO_DB: '/a.mmdb, /b.mmdb' }, dir), { v4: '/a.mmdb', v6: '/b.mmdb' });
  });

  it('refuses a file that is not a city database, and leaves the installed one alone', () => {
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    assert.throws(() => installGeoDatabase(dir, junk), /not a readable mmdb database/);
    const shipped = geoFiles({});
    // The IPv4 file holds no IPv6 addresses: it cannot serve both.
    assert.throws(() => installGeoDatabase(dir, shipped.v4), /holds no IPv6 addresses/);
    assert.equal(geoFiles({}, dir).v4, join(dir, 'geo', 'city-ipv4.mmdb'));
  });
});

describe('beckon geo lookup', () => {
  it('prints where the database places each address, with its build date', async () => {
    let out = '';
    const program = buildProgram();
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const c of all(program)) c.exitOverride().configureOutput({ writeOut: (t) => (out += t) });
    await program.parseAsync(['geo', 'lookup', '81.2.69.142', '10.0.0.1'], { from: 'user' });
    const [london, lan] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(london.geo.city, 'London');
    assert.match(london.builtAt, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual([lan.address, lan.geo], ['10.0.0.1', null]);
  });
});
