// `node --import ./scripts/ts-loader.mjs`: runs TypeScript test files without tsx's resolver and
// CommonJS hooks, which cost each test process about a third of its start (scripts/test.mjs).
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
