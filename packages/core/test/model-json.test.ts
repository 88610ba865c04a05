import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { featureContributions } from '../src/model/explain.ts';
import { type ModelJson, modelFromJson, modelToJson } from '../src/model/model-json.ts';
import { score, trainModel } from '../src/model/propensity-model.ts';
import { parseUciCsv } from '../src/model/uci-csv.ts';
import { toDataset } from '../src/model/uci-features.ts';
import { sharedData } from './helpers/shared-data.ts';

const DATA = sharedData('online_shoppers_intention.csv');
const { features, labels } = toDataset(parseUciCsv(readFileSync(DATA, 'utf8')));
const model = trainModel(features.slice(0, 6000), labels.slice(0, 6000), { calibrationFolds: 2 });

function roundTrip(): ReturnType<typeof modelFromJson> {
  return modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
}

test('a model survives JSON and scores every session identically (including ones with missing fields)', () => {
  const loaded = roundTrip();
  assert.equal(loaded.threshold, model.threshold);
  assert.deepEqual(loaded.calibration, model.calibration);
  assert.deepEqual(loaded.featureNames, model.featureNames);
  for (const x of features) assert.equal(score(loaded, x), score(model, x));
  const a = featureContributions(model, features[7]);
  const b = featureContributions(loaded, features[7]);
  assert.deepEqual(b, a);
  assert.deepEqual(
    JSON.parse(JSON.stringify(modelToJson(loaded))),
    JSON.parse(JSON.stringify(modelToJson(model))),
  );
});

test('a damaged or foreign model file is refused before it can be scored', () => {
  const good = (): ModelJson => JSON.parse(JSON.stringify(modelToJson(model)));
  assert.throws(() => modelFromJson(null), /document must be an object/);
  assert.throws(() => modelFromJson({ ...good(), format: 'xgboost' }), /format/);
  assert.throws(() => modelFromJson({ ...good(), version: 2 }), /unsupported version 2/);
  const loop = good();
  loop.trees.nodes[4 + 1] = 0; // node 1's left child points back to node 0: would never end
  assert.throws(() => modelFromJson(loop), /bad child reference 0/);
  const stray = good();
  stray.trees.nodes[0] = 99;
  assert.throws(() => modelFromJson(stray), /unknown feature 99/);
  const short = good();
  short.trees.thresholds.pop();
  assert.throws(() => modelFromJson(short), /disagree in length/);
  const nan = good() as unknown as { calibration: { a: unknown } };
  nan.calibration.a = 'x';
  assert.throws(() => modelFromJson(nan), /calibration.a/);
});
