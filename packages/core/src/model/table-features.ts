// Turns any CSV table into feature vectors for the boosted trees: a column whose every non-empty
// value is a number stays a number (empty → missing); any other column becomes one 0/1 feature per
// value, so a tree can split one category off from the rest without an invented order.
import type { CsvTable } from '../stats/csv-table.ts';

/** Most values a text column may take before it is refused (one feature per value). */
export const MAX_CATEGORIES = 64;

/** Feature vectors of a table, one per row in file order, and the name of each feature. */
export interface TableFeatures {
  names: string[];
  rows: Float64Array[];
}

function isNumber(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

/** Encode every column not in `exclude`: numbers as numbers, text one-hot (`column=value`, values sorted). */
export function tableFeatures(table: CsvTable, exclude: ReadonlySet<string>): TableFeatures {
  const names: string[] = [];
  const encoders: ((row: Record<string, string>, out: Float64Array) => void)[] = [];
  for (const column of table.columns) {
    if (exclude.has(column)) continue;
    const values = new Set<string>();
    let numeric = true;
    for (const row of table.rows) {
      const v = row[column].trim();
      if (v === '') continue;
      values.add(v);
      if (numeric && !isNumber(v)) numeric = false;
    }
    const at = names.length;
    if (numeric) {
      names.push(column);
      encoders.push((row, out) => {
        const v = row[column].trim();
        out[at] = v === '' ? Number.NaN : Number(v);
      });
      continue;
    }
    if (values.size > MAX_CATEGORIES) {
      throw new RangeError(
        `column "${column}" has ${values.size} distinct text values (at most ${MAX_CATEGORIES}); exclude it`,
      );
    }
    const levels = [...values].sort();
    const index = new Map(levels.map((v, i) => [v, at + i]));
    for (const v of levels) names.push(`${column}=${v}`);
    encoders.push((row, out) => {
      const i = index.get(row[column].trim());
      if (i !== undefined) out[i] = 1;
    });
  }
  const rows = table.rows.map((row) => {
    const out = new Float64Array(names.length);
    for (const encode of encoders) encode(row, out);
    return out;
  });
  return { names, rows };
}
