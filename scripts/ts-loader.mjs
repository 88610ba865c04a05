// `node --import ./scripts/ts-loader.mjs`: runs TypeScript test files without tsx's resolver and
// CommonJS hooks, which cost each test process about a third of its start (scripts/test.mjs).
// The `beckon` command a test starts and the threads a node starts (the events writer, a model's
// training) find it in BECKON_TS_LOADER and load the server through it too, instead of through tsx
// (packages/server/src/thread-loader.js).
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
process.env.BECKON_TS_LOADER = import.meta.url;
