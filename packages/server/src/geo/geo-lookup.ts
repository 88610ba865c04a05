import { readFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import type { VisitorGeo } from '@beckon/core';
import { isPublicAddress } from '../egress/address-policy.ts';
import type { Logger } from '../logger.ts';
import { type GeoDatabase, geoDatabase } from './geo-database.ts';
import { GEO_PACKAGE, type GeoFiles, geoFiles } from './geo-files.ts';

/** Where a visitor is, from their address. */
export interface GeoLookup {
  /** The coarse location of a public address; null for a private or loopback one, or one the database does not know. */
  lookup(address: string): Promise<VisitorGeo | null>;
}

/** The address as the database indexes it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is its IPv4 address. */
function plainAddress(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  return isIPv4(ip) || isIPv6(ip) ? ip : null;
}

/**
 * Looks addresses up in the offline database. Each file is read into memory on the first lookup
 * that needs it (IPv4 and IPv6 separately), so a node whose visitors all come from private
 * addresses never loads it. A missing or unreadable file is logged once and gives no location.
 */
export class MmdbGeoLookup implements GeoLookup {
  private readonly readers = new Map<string, Promise<GeoDatabase | null>>();

  constructor(
    private readonly files: GeoFiles,
    private readonly log?: Logger,
  ) {}

  async lookup(address: string): Promise<VisitorGeo | null> {
    const ip = plainAddress(address);
    if (ip === null || !isPublicAddress(ip)) return null;
    const db = await this.reader(isIPv4(ip) ? this.files.v4 : this.files.v6);
    return db ? db.locate(ip) : null;
  }

  /** When the database was built (to check an update took), or null when it cannot be read. */
  async builtAt(): Promise<Date | null> {
    return (await this.reader(this.files.v4))?.builtAt ?? null;
  }

  private reader(file: string): Promise<GeoDatabase | null> {
    let r = this.readers.get(file);
    if (!r) {
      r = readFile(file)
        .then(geoDatabase)
        .catch((err: unknown) => {
          this.log?.error({ err, file }, 'geolocation database not readable; visitors get no location');
          return null;
        });
      this.readers.set(file, r);
    }
    return r;
  }
}

/** No database (`BECKON_GEO=off`): no visitor gets a location. */
export const NO_GEO: GeoLookup = { lookup: async () => null };

const shared = new Map<string, MmdbGeoLookup>();

/**
 * The node's lookup as configured: off with `BECKON_GEO=off`, else the database files (see
 * `geoFiles`). Nodes of
 * one process share one reader per file set, so the database is in memory once.
 */
export function geoLookupFromEnv(
  dataDir: string | undefined,
  log?: Logger,
  env: NodeJS.ProcessEnv = process.env,
): GeoLookup {
  if (env.BECKON_GEO === 'off') return NO_GEO;
  let files: GeoFiles;
  try {
    files = geoFiles(env, dataDir);
  } catch (err) {
    log?.error({ err }, `${GEO_PACKAGE} is not installed; visitors get no location`);
    return NO_GEO;
  }
  const key = `${files.v4}\u0000${files.v6}`;
  let lookup = shared.get(key);
  if (!lookup) {
    lookup = new MmdbGeoLookup(files, log);
    shared.set(key, lookup);
  }
  return lookup;
}
