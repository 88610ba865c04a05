import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureUiBundle } from '../src/workloads/mobile-bundle.ts';

describe('the drop-in UI’s bundle size (mobile workload)', () => {
  it('measures packages/react-native minified and gzipped, without React or React Native', async () => {
    const { ui_bundle_gzip_bytes } = await measureUiBundle();
    // Far more than nothing (the chat screen, the strings of 13 languages), far less than React Native itself.
    assert.ok(ui_bundle_gzip_bytes > 5_000, String(ui_bundle_gzip_bytes));
    assert.ok(ui_bundle_gzip_bytes < 200_000, String(ui_bundle_gzip_bytes));
  });
});
