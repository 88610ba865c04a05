import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvParser, parseCsv } from '../src/stats/csv-parser.ts';
import { csvRows, parseCsvTable } from '../src/stats/csv-table.ts';
import { StatsInputError } from '../src/stats/stats-input-error.ts';

describe('CSV parser (RFC 4180)', () => {
  it('splits plain records', () => {
    assert.deepEqual(parseCsv('a,b,c\n1,2,3\n'), [
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    assert.deepEqual(parseCsv('a,b\r\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseCsv('x,,z\n,,\n'), [
      ['x', '', 'z'],
      ['', '', ''],
    ]);
  });

  it('reads quoted fields with commas, line breaks and doubled quotes', () => {
    const text = 'name,note\r\n"Smith, J","said ""hi""\r\nthen left"\r\n"",plain\r\n';
    assert.deepEqual(parseCsv(text), [
      ['name', 'note'],
      ['Smith, J', 'said "hi"\r\nthen left'],
      ['', 'plain'],
    ]);
  });

  it('skips a byte-order mark and blank lines, keeps a stray quote inside an unquoted field', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\n\n1,2\n\n'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseCsv('5" screen,x\n'), [['5" screen', 'x']]);
    assert.deepEqual(parseCsv('a\rb\rc'), [['a'], ['b'], ['c']]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'h1,h2,h3\r\n"a,1","b\r\n""2""",c\r\n\r\nd,"",e\nf,g,"h"\r\n';
    const whole = parseCsv(text);
    for (let cut = 0; cut <= text.length; cut++) {
      for (const size of [1, 2, 3]) {
        const parser = new CsvParser();
        const records = [...parser.push(text.slice(0, cut))];
        for (let i = cut; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
        records.push(...parser.end());
        assert.deepEqual(records, whole, `cut at ${cut}, then chunks of ${size}`);
      }
    }
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    assert.throws(
      () => parseCsv('a,b\n"open,1\n'),
      (e: unknown) => e instanceof StatsInputError && /never closed/.test(e.message),
    );
    assert.throws(() => parseCsv('a,b\n"x"y,1\n'), /after a closing quote/);
  });
});

describe('CSV table', () => {
  it('keys rows by the header', () => {
    const t = parseCsvTable('group, converted\nA,1\nB,0\n');
    assert.deepEqual(t.columns, ['group', 'converted']);
    assert.deepEqual(t.rows, [
      { group: 'A', converted: '1' },
      { group: 'B', converted: '0' },
    ]);
  });

  it('accepts chunks', () => {
    const t = parseCsvTable(['gro', 'up,x\nA', ',1\n']);
    assert.deepEqual(t.rows, [{ group: 'A', x: '1' }]);
  });

  it('streams rows before the whole input is read', () => {
    let chunksRead = 0;
    function* chunks() {
      for (const chunk of ['a,b\n1,', '2\n3,4\n', '5,6\n']) {
        chunksRead++;
        yield chunk;
      }
    }
    const rows = csvRows(chunks());
    assert.deepEqual(rows.next().value, { a: '1', b: '2' });
    assert.equal(chunksRead, 2, 'the third chunk is not needed yet');
    assert.deepEqual(
      [...rows],
      [
        { a: '3', b: '4' },
        { a: '5', b: '6' },
      ],
    );
  });

  it('rejects ragged rows, duplicate columns and empty input', () => {
    assert.throws(() => parseCsvTable('a,b\n1,2\n3\n'), /data row 2 has 1 fields but the header has 2/);
    assert.throws(() => parseCsvTable('a,a\n1,2\n'), /column "a" twice/);
    assert.throws(() => parseCsvTable(''), /empty/);
  });

  it('parses a 64k-row file with quoted fields', () => {
    const lines = ['segment,visit,spend'];
    for (let i = 0; i < 64_000; i++)
      lines.push(
        `${i % 3 === 0 ? '"No, E-Mail"' : 'Mens'},${i % 5 === 0 ? 1 : 0},${i % 97 === 0 ? '29.99' : '0'}`,
      );
    const t = parseCsvTable(lines.join('\n'));
    assert.equal(t.rows.length, 64_000);
    assert.equal(t.rows[0].segment, 'No, E-Mail');
    assert.equal(t.rows.filter((r) => r.spend === '29.99').length, Math.ceil(64_000 / 97));
  });
});
