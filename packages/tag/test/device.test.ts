import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceClass } from '../src/device.ts';

describe('device class', () => {
  it('is desktop with a mouse or trackpad, whatever the screen', () => {
    assert.equal(deviceClass(false, 1080), 'desktop');
    assert.equal(deviceClass(false, 400), 'desktop');
  });
  it('is mobile for a touch screen under 600 CSS px on its short side', () => {
    assert.equal(deviceClass(true, 390), 'mobile'); // iPhone 14
    assert.equal(deviceClass(true, 360), 'mobile'); // common Android
    assert.equal(deviceClass(true, 599), 'mobile');
  });
  it('is tablet for a larger touch screen, including iPads that claim to be a Mac', () => {
    assert.equal(deviceClass(true, 600), 'tablet');
    assert.equal(deviceClass(true, 820), 'tablet'); // iPad Air
    assert.equal(deviceClass(true, 1024), 'tablet'); // iPad Pro
  });
});
