import { readFileSync } from 'node:fs';
import { modelFromJson, type PropensityModel } from '@beckon/core/model/index';

const FILE = new URL('../../../core/models/uci-default.json', import.meta.url);
let cached: PropensityModel | undefined;

/** The model shipped pre-trained on the UCI data: what scores an account until it has trained its own. */
export function defaultModel(): PropensityModel {
  cached ??= modelFromJson(JSON.parse(readFileSync(FILE, 'utf8')));
  return cached;
}

/** Id the API shows for the shipped model. */
export const DEFAULT_MODEL_ID = 'default-uci';
