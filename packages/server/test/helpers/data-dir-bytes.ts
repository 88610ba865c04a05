import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every byte under a data dir (database, WAL, files) as one text: what a copy of it hands over. */
export function dataDirBytes(dataDir: string): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(readFileSync(p).toString('latin1'));
    }
  };
  walk(dataDir);
  return parts.join('\n');
}
