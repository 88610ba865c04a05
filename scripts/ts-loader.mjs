// `node --import ./scripts/ts-loader.mjs`: runs TypeScript test files without tsx's resolver and
// CommonJS hooks, which cost each test process about a third of its start (scripts/test.mjs).
// The `beckon` command a test starts (packages/server/bin/beckon.js) finds it in
// BECKON_TS_LOADER and loads the server through it too, instead of through tsx.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
process.env.BECKON_TS_LOADER = import.meta.url;
