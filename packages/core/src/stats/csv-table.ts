import { CsvParser } from './csv-parser.ts';
import { StatsInputError } from './stats-input-error.ts';

/** A CSV file read as a header and one object per data row, keyed by column name. */
export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
}

/** Parses CSV text whose first record is the header; rows must have as many fields as the header. */
export function parseCsvTable(text: string | Iterable<string>): CsvTable {
  let columns: string[] = [];
  const rows = [...csvRows(typeof text === 'string' ? [text] : text, (header) => (columns = header))];
  return { columns, rows };
}

/**
 * Streams the data rows of CSV text given in chunks (e.g. read from a file piece by piece), keyed by
 * the header, so a large file never has to be held in memory as a whole.
 */
export function* csvRows(
  chunks: Iterable<string>,
  onHeader?: (columns: string[]) => void,
): Generator<Record<string, string>> {
  const parser = new CsvParser();
  let columns: string[] | null = null;
  let dataRows = 0;
  function* take(records: string[][]): Generator<Record<string, string>> {
    for (const record of records) {
      if (columns === null) {
        columns = checkHeader(record);
        onHeader?.(columns);
        continue;
      }
      dataRows++;
      if (record.length !== columns.length) {
        throw new StatsInputError(
          'csv_malformed',
          `CSV data row ${dataRows} has ${record.length} fields but the header has ${columns.length}`,
        );
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]] = record[i];
      yield row;
    }
  }
  for (const chunk of chunks) yield* take(parser.push(chunk));
  yield* take(parser.end());
  if (columns === null) throw new StatsInputError('csv_empty', 'the CSV file is empty (no header row)');
}

function checkHeader(record: string[]): string[] {
  const columns = record.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name) && name !== '') {
      throw new StatsInputError('csv_duplicate_column', `the CSV header names column "${name}" twice`);
    }
    seen.add(name);
  }
  return columns;
}
