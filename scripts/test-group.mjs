// Runs several test files in one process, one after another, each inside a suite named after the
// file (scripts/test.mjs writes the group entries that call this). A test process pays about three
// seconds of CPU before its first test (loading the server's modules, a first server start that
// later ones skip); a group pays it once. Each file's tests, hooks and environment stay its own:
// its `before` and `after` hooks run within its suite, and what it set in `process.env` is undone
// when its suite ends. Files that must have a process of their own are listed in test.mjs.
import { relative } from 'node:path';
import { after, before, describe } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cpuSeconds, writeTimingRow } from './test-timing.mjs';

const root = new URL('..', import.meta.url).pathname;

/** Declares one suite per file; each file's module loads as its suite is built. */
export function groupFiles(files) {
  const timingsDir = process.env.BECKON_TEST_TIMINGS_DIR;
  const loaded = [];
  for (const file of files) {
    let fileLoaded;
    const previous = loaded.at(-1);
    loaded.push(new Promise((resolve) => (fileLoaded = resolve)));
    describe(relative(root, file), async () => {
      let started = 0;
      let cpu = 0;
      let env = {};
      before(() => {
        started = performance.now();
        cpu = cpuSeconds() ?? 0;
        env = { ...process.env };
      });
      try {
        // One file's modules at a time. Loaded side by side, a file whose last module was also its
        // neighbour's resumed on the neighbour's loading, and Node 20 put its suites under the
        // neighbour's file (phone-dial and phone-settings ran under phone-callback-now, timed as
        // part of it). The wait is a promise made here: awaiting the neighbour's own promise would
        // resume in the neighbour's context too.
        await new Promise((resolve) => (previous ? previous.then(resolve) : resolve()));
        await import(pathToFileURL(file).href);
      } finally {
        fileLoaded();
      }
      // Registered after the file's own hooks, so it runs after them.
      after(() => {
        for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
        Object.assign(process.env, env);
        if (!timingsDir) return;
        const used = cpuSeconds();
        writeTimingRow(timingsDir, {
          file,
          seconds: (performance.now() - started) / 1000,
          cpuSeconds: used === null ? null : used - cpu,
        });
      });
    });
  }
  // Every file has declared its tests: the harness's promise tracking is not needed any more; an uncaught error or unhandled rejection in a test still fails that test
  // (test-exit-guard.mjs).
  Promise.all(loaded).then(() => globalThis[Symbol.for('beckon.testHarnessHook')]?.disable());
}
