import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type GcTuningEnv, tuneGarbageCollection } from '../src/ops/gc-tuning.ts';

/** Runs the tuning against a pretend machine and command line; returns the flags it set. */
function tuned(cores: number, argv: string[] = []): string[] {
  const set: string[] = [];
  const env: GcTuningEnv = { cores, argv, set: (f) => set.push(f) };
  const returned = tuneGarbageCollection(env);
  assert.deepEqual(returned, set, 'returns what it set');
  return set;
}

describe('garbage-collection tuning', () => {
  it('turns pretenuring off everywhere and keeps scavenges on the socket thread on two cores', () => {
    assert.deepEqual(tuned(2), ['--no-allocation-site-pretenuring', '--no-parallel-scavenge']);
    assert.deepEqual(tuned(1), ['--no-allocation-site-pretenuring', '--no-parallel-scavenge']);
    assert.deepEqual(tuned(8), ['--no-allocation-site-pretenuring']);
  });

  it('leaves a setting named on the command line alone, either way', () => {
    assert.deepEqual(tuned(2, ['--allocation-site-pretenuring']), ['--no-parallel-scavenge']);
    assert.deepEqual(tuned(2, ['--parallel-scavenge']), ['--no-allocation-site-pretenuring']);
    assert.deepEqual(tuned(2, ['--no-parallel-scavenge', '--no-allocation-site-pretenuring']), []);
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
    assert.equal(r.stdout.trim(), '--no-allocation-site-pretenuring --no-parallel-scavenge');
    assert.doesNotMatch(r.stderr, /unrecognized flag/);
  });
});
