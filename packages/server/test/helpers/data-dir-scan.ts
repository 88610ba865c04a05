import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` that holds any of `needles` (as bytes), with the needle found. */
export function filesHolding(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      found.push(...filesHolding(p, needles));
      continue;
    }
    const bytes = readFileSync(p);
    for (const n of needles) if (bytes.includes(Buffer.from(n))) found.push(`${p}: ${n}`);
  }
  return found;
}
