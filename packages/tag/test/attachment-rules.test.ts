import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fileProblem,
  fileType,
  formatSize,
  MAX_ATTACHMENT_BYTES,
} from '../src/widget/chat/attachment-rules.ts';

describe('what the visitor may attach', () => {
  it('takes pictures and PDFs within the size limit', () => {
    assert.equal(fileProblem({ name: 'a.png', type: 'image/png', size: 2000 }), null);
    assert.equal(
      fileProblem({ name: 'invoice.pdf', type: 'application/pdf', size: MAX_ATTACHMENT_BYTES }),
      null,
    );
    assert.equal(fileType({ name: 'scan.PDF', type: '' }), 'application/pdf', 'guessed from the name');
  });

  it('says clearly why a file cannot go', () => {
    assert.match(
      fileProblem({ name: 'setup.exe', type: 'application/x-msdownload', size: 10 })!,
      /setup\.exe can’t be sent/,
    );
    assert.match(fileProblem({ name: 'page.svg', type: 'image/svg+xml', size: 10 })!, /only images/);
    assert.match(
      fileProblem({ name: 'big.pdf', type: 'application/pdf', size: MAX_ATTACHMENT_BYTES + 1 })!,
      /big\.pdf is too large: files can be up to 10 MB/,
    );
    assert.match(fileProblem({ name: 'empty.png', type: 'image/png', size: 0 })!, /empty/);
  });

  it('writes sizes people read', () => {
    assert.equal(formatSize(512), '1 kB');
    assert.equal(formatSize(240 * 1024), '240 kB');
    assert.equal(formatSize(3.45 * 1024 * 1024), '3.5 MB');
  });
});

describe('attachment limits mirror the protocol', () => {
  it('accepts exactly the server’s types, size and count', async () => {
    const protocol = await import('@beckon/protocol/chat-attachments');
    const rules = await import('../src/widget/chat/attachment-rules.ts');
    assert.equal(rules.MAX_ATTACHMENT_BYTES, protocol.DEFAULT_ATTACHMENT_MAX_BYTES);
    assert.equal(rules.MAX_ATTACHMENTS, protocol.MAX_ATTACHMENTS_PER_MESSAGE);
    assert.deepEqual(rules.ACCEPT.split(',').sort(), [...protocol.ATTACHMENT_TYPES].sort());
  });
});
