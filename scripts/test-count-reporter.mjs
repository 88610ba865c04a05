// A test reporter that counts each file's tests (suites not counted) and writes one JSON
// object, { [file]: { tests, failed, skipped } }, when the run ends. scripts/test.mjs joins it with the
// files' wall times into test-results/timings.json.
//
// Node 20 names each test by the file that declared it (`data.file` is where `it` was called). A
// test declared in a test file is counted for that file. A test a helper declared (say
// `chaosTest` in helpers/chaos-suite.ts) is held until its file is known: in a group of files run
// in one process (scripts/test-group.mjs) each file is a suite at the top, named by its path, whose
// result comes after its tests' (the runner reports a process's results together, in order).
import { resolve } from 'node:path';

const GROUP_SUITE = /[/\\]scripts[/\\]test-group\.mjs$/;
const TEST_FILE = /\.test\.[cm]?[jt]s$/;
const zero = () => ({ tests: 0, failed: 0, skipped: 0 });

export default async function* countReporter(source) {
  const counts = {};
  // Tests declared in helpers, not yet given to a file.
  let held = zero();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, details, nesting, name } = event.data;
    if (!file) continue;
    if (nesting === 0 && GROUP_SUITE.test(file)) {
      const key = resolve(name);
      counts[key] ??= zero();
      const c = counts[key];
      add(c, held);
      held = zero();
      // A file that failed outside its tests (it did not load, a hook threw) counts one failure.
      if (event.type === 'test:fail' && c.failed === 0) c.failed = 1;
      continue;
    }
    // The wrapper the runner makes for a file that failed outside its tests is named after the file.
    if (details?.type === 'suite' || name === file) {
      if (name === file && event.type === 'test:fail') {
        counts[file] ??= zero();
        if (counts[file].failed === 0) counts[file].failed = 1;
      }
      continue;
    }
    if (TEST_FILE.test(file)) {
      counts[file] ??= zero();
      count(counts[file], event);
    } else count(held, event);
  }
  // Helper-declared tests of a file run in its own process: counted in the totals, under no file.
  if (held.tests > 0) counts['(declared in helpers)'] = held;
  yield JSON.stringify(counts);
}

function add(to, from) {
  to.tests += from.tests;
  to.failed += from.failed;
  to.skipped += from.skipped;
}

function count(c, event) {
  c.tests += 1;
  if (event.type === 'test:fail') c.failed += 1;
  else if (event.data.skip !== undefined || event.data.todo !== undefined) c.skipped += 1;
}
