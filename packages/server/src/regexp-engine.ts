import { setFlagsFromString } from 'node:v8';

// Turns on V8's linear-time regex engine, and its use as the fall-back for a regex that backtracks
// too much. Campaign patterns are checked to run on it (see @beckon/protocol/campaign-regex), so a
// hostile pattern tested against every page view costs a bounded time instead of stopping the
// node; every other regex of the process gets the same fall-back. Imported first by node.ts: the
// flags must be on before any campaign is compiled.
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
