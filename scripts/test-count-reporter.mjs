// A test reporter that counts each file's tests (suites not counted) and writes one JSON
// object, { [file]: { tests, failed, skipped } }, when the run ends. scripts/test.mjs joins it with the
// files' wall times into test-results/timings.json.
//
// A group of files run in one process (scripts/test-group.mjs) reports as one file; each of its
// files is a suite at the top, named by its path, whose result comes after its tests'. Its tests
// are counted as they come and given to that file when its suite ends.
import { resolve } from 'node:path';

const GROUP = /[/\\]\.groups[/\\]group-\d+\.mjs$/;
const zero = () => ({ tests: 0, failed: 0, skipped: 0 });

export default async function* countReporter(source) {
  const counts = {};
  const pending = {};
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, details, nesting, name } = event.data;
    if (!file) continue;
    if (GROUP.test(file)) {
      if (nesting === 0 && name !== file) {
        const c = pending[file] ?? zero();
        // A file that failed outside its tests (it did not load, a hook threw) counts one failure.
        if (event.type === 'test:fail' && c.failed === 0) c.failed = 1;
        counts[resolve(name)] = c;
        pending[file] = zero();
        continue;
      }
      if (details?.type === 'suite' || name === file) continue;
      pending[file] ??= zero();
      count(pending[file], event);
      continue;
    }
    // The wrapper the runner makes for a file that failed outside its tests is named after the file.
    if (details?.type === 'suite' || name === file) continue;
    counts[file] ??= zero();
    count(counts[file], event);
  }
  yield JSON.stringify(counts);
}

function count(c, event) {
  c.tests += 1;
  if (event.type === 'test:fail') c.failed += 1;
  else if (event.data.skip !== undefined || event.data.todo !== undefined) c.skipped += 1;
}
