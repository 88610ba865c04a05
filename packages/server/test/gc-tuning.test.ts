import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type GcTuningEnv,
  OLD_GENERATION_GROWTH_PERCENT,
  tuneGarbageCollection,
} from '../src/ops/gc-tuning.ts';

const GROWTH = `--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`;

/** Runs the tuning against a pretend machine and command line; returns the flags it set. */
function tuned(cores: number, argv: string[] = []): string[] {
  const set: string[] = [];
  const env: GcTuningEnv = { cores, argv, set: (f) => set.push(f) };
  const returned = tuneGarbageCollection(env);
  assert.deepEqual(returned, set, 'returns what it set');
  return set;
}

describe('garbage-collection tuning', () => {
  it('turns pretenuring off and lets the old generation grow everywhere, and keeps scavenges on the socket thread on two cores', () => {
    assert.deepEqual(tuned(2), ['--no-allocation-site-pretenuring', '--no-parallel-scavenge', GROWTH]);
    assert.deepEqual(tuned(1), ['--no-allocation-site-pretenuring', '--no-parallel-scavenge', GROWTH]);
    assert.deepEqual(tuned(8), ['--no-allocation-site-pretenuring', GROWTH]);
  });

  it('leaves a setting named on the command line alone, either way', () => {
    assert.deepEqual(tuned(2, ['--allocation-site-pretenuring']), ['--no-parallel-scavenge', GROWTH]);
    assert.deepEqual(tuned(2, ['--parallel-scavenge']), ['--no-allocation-site-pretenuring', GROWTH]);
    assert.deepEqual(tuned(2, ['--heap-growing-percent=50']), [
      '--no-allocation-site-pretenuring',
      '--no-parallel-scavenge',
    ]);
    assert.deepEqual(
      tuned(2, ['--no-parallel-scavenge', '--no-allocation-site-pretenuring', '--heap-growing-percent=50']),
      [],
    );
  });

  it('sets flags this Node knows (V8 only prints an error for one it does not)', () => {
    const module = fileURLToPath(new URL('../src/ops/gc-tuning.ts', import.meta.url));
    const script = `import { tuneGarbageCollection } from ${JSON.stringify(module)};
const set = tuneGarbageCollection({ cores: 2, argv: [], set: (await import('node:v8')).setFlagsFromString });
console.log(set.join(' '));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `--no-allocation-site-pretenuring --no-parallel-scavenge ${GROWTH}`);
    assert.doesNotMatch(r.stderr, /unrecognized flag/);
  });

  it("sets the old generation's next limit at three times what a full collection left, set after start", () => {
    // V8 names the factor it used for each limit it sets (`--trace-gc-verbose`); without the tuning
    // it picks one from its speeds, which on a node under steady load was near 1.1.
    const module = fileURLToPath(new URL('../src/ops/gc-tuning.ts', import.meta.url));
    const script = `import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tuneGarbageCollection } from ${JSON.stringify(module)};
tuneGarbageCollection({ cores: 2, argv: [], set: setFlagsFromString });
setFlagsFromString('--trace-gc-verbose');
const keep = [];
for (let i = 0; i < 200_000; i++) keep.push({ i });
runInNewContext('gc')();
console.log(keep.length);`;
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const limits = [...(r.stdout + r.stderr).matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)/g)].map(
      (m) => m[1],
    );
    assert.ok(limits.length > 0, 'the full collection set a limit');
    assert.deepEqual([...new Set(limits)], [(1 + OLD_GENERATION_GROWTH_PERCENT / 100).toFixed(1)]);
  });
});
