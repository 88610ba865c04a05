// One file's timing row for scripts/test.mjs's report: written by the exit guard for a file that
// ran in its own process, and by test-group.mjs for each file of a group.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `{ file, seconds, cpuSeconds }` into the run's timings folder; never throws. */
export function writeTimingRow(timingsDir, row) {
  const name = createHash('sha1').update(row.file).digest('hex').slice(0, 16);
  try {
    writeFileSync(join(timingsDir, `${name}.json`), JSON.stringify(row));
  } catch {
    // A report that cannot be written must not change the file's result.
  }
}

/** CPU seconds of this process and of its children that ended (Linux /proc; null elsewhere). */
export function cpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are 14–17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return null;
  }
}
