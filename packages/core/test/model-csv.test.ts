import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseUciCsv, splitCsvLine } from '../src/model/uci-csv.ts';
import { encodeMonth, encodeSession, encodeVisitorType, toDataset } from '../src/model/uci-features.ts';
import { FEATURE_COUNT, FEATURE_INDEX } from '../src/model/uci-session.ts';
import { sharedData } from './helpers/shared-data.ts';

const DATA = sharedData('online_shoppers_intention.csv');
const HEADER =
  'Administrative,Administrative_Duration,Informational,Informational_Duration,ProductRelated,' +
  'ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,Month,OperatingSystems,Browser,' +
  'Region,TrafficType,VisitorType,Weekend,Revenue';

test('the UCI file parses into 12,330 sessions, 1,908 purchases, 14 with missing page counts', () => {
  const sessions = parseUciCsv(readFileSync(DATA, 'utf8'));
  assert.equal(sessions.length, 12330);
  assert.equal(sessions.filter((s) => s.Revenue).length, 1908);
  assert.equal(sessions.filter((s) => Number.isNaN(s.Administrative)).length, 14);
  const { features, labels } = toDataset(sessions);
  assert.equal(features.length, 12330);
  assert.equal(
    labels.reduce((s, y) => s + y, 0),
    1908,
  );
  // Every month and visitor type in the file is understood; only the 14 empty rows carry NaN.
  assert.ok(
    features.every(
      (x) => !Number.isNaN(x[FEATURE_INDEX.Month]) && !Number.isNaN(x[FEATURE_INDEX.VisitorType]),
    ),
  );
  const withMissing = features.filter((x) => x.some(Number.isNaN));
  assert.equal(withMissing.length, 14);
  assert.ok(
    withMissing.every((x) => Number.isNaN(x[FEATURE_INDEX.ExitRates]) && x[FEATURE_INDEX.PageValues] === 0),
  );
});

test('a session becomes the 17-entry vector with month, visitor type and weekend encoded', () => {
  const text = `${HEADER}\r\n2,10.5,0,0,5,120,0.02,0.04,12.5,0.4,June,2,1,3,4,New_Visitor,TRUE,FALSE\r\n`;
  const [s] = parseUciCsv(text);
  assert.equal(s.Revenue, false);
  const x = encodeSession(s);
  assert.equal(x.length, FEATURE_COUNT);
  assert.deepEqual(Array.from(x), [2, 10.5, 0, 0, 5, 120, 0.02, 0.04, 12.5, 0.4, 6, 2, 1, 3, 4, 0, 1]);
  assert.equal(encodeMonth('Feb'), 2);
  assert.equal(encodeMonth('december'), 12);
  assert.ok(Number.isNaN(encodeMonth('Smarch')));
  assert.equal(encodeVisitorType('Returning_Visitor'), 1);
  assert.equal(encodeVisitorType('Other'), 2);
});

test('columns may come in any order, quoted, without a label; empty fields become NaN', () => {
  const cols = HEADER.split(',')
    .filter((c) => c !== 'Revenue')
    .reverse();
  const values: Record<string, string> = { Month: '"Nov"', VisitorType: 'Returning_Visitor', Weekend: '' };
  const row = cols.map((c) => values[c] ?? (c === 'PageValues' ? '' : '1'));
  const [s] = parseUciCsv(`${cols.join(',')}\n${row.join(',')}\n\n`);
  assert.equal(s.Revenue, null);
  assert.equal(s.Month, 'Nov');
  assert.equal(s.Weekend, null);
  const x = encodeSession(s);
  assert.ok(Number.isNaN(x[FEATURE_INDEX.PageValues]));
  assert.ok(Number.isNaN(x[FEATURE_INDEX.Weekend]));
  assert.equal(x[FEATURE_INDEX.Month], 11);
  assert.deepEqual(splitCsvLine('a,"b,""c""",d'), ['a', 'b,"c"', 'd']);
});

test('malformed files fail with the line and column', () => {
  assert.throws(() => parseUciCsv('a,b\n1,2\n'), /missing columns Administrative/);
  assert.throws(() => parseUciCsv(`${HEADER}\n1,2,3\n`), /line 2: expected 18 fields, found 3/);
  const bad = `${HEADER}\n0,0,0,0,1,0,0.2,0.2,zero,0,Feb,1,1,1,1,Returning_Visitor,FALSE,FALSE\n`;
  assert.throws(() => parseUciCsv(bad), /line 2: PageValues is not a number/);
  assert.throws(
    () =>
      toDataset(
        parseUciCsv(
          HEADER.replace(',Revenue', '') + '\n' + '0,'.repeat(10) + 'Feb,1,1,1,1,New_Visitor,FALSE',
        ),
      ),
    /no Revenue label/,
  );
});
