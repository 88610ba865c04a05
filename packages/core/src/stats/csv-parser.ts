import { StatsInputError } from './stats-input-error.ts';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

// Parser states (plain numbers: erasable syntax, no enum).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;
const AFTER_QUOTED = 4;

/**
 * Incremental RFC 4180 CSV parser: feed text in chunks of any size (split anywhere, even inside a
 * quoted field) and get back the records completed so far. Quoted fields may hold commas, line
 * breaks and doubled quotes; CRLF, LF and CR all end a record; blank lines and a BOM are skipped.
 */
export class CsvParser {
  private state: number = FIELD_START;
  private field = '';
  private fieldQuoted = false;
  private record: string[] = [];
  private skipLineFeed = false;
  private started = false;
  private recordNumber = 1;

  /** Parses a chunk and returns the records it completed. */
  push(chunk: string): string[][] {
    const out: string[][] = [];
    let i = 0;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    const length = chunk.length;
    while (i < length) {
      if (this.state === QUOTED) {
        const q = chunk.indexOf('"', i);
        if (q === -1) {
          this.field += chunk.slice(i);
          break;
        }
        this.field += chunk.slice(i, q);
        i = q + 1;
        this.state = QUOTE_IN_QUOTED;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          this.field += '"';
          i++;
          this.state = QUOTED;
          continue;
        }
        this.state = AFTER_QUOTED;
      }
      if (this.skipLineFeed) {
        this.skipLineFeed = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (c === COMMA) {
        this.endField();
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        this.endRecord(out);
        this.skipLineFeed = c === CR;
        i++;
        continue;
      }
      if (this.state === FIELD_START && c === QUOTE) {
        this.state = QUOTED;
        this.fieldQuoted = true;
        i++;
        continue;
      }
      if (this.state === AFTER_QUOTED) {
        throw new StatsInputError(
          'csv_malformed',
          `CSV record ${this.recordNumber}: unexpected character after a closing quote`,
        );
      }
      // An unquoted run up to the next delimiter (a stray quote inside it is kept literally).
      let j = i + 1;
      while (j < length) {
        const d = chunk.charCodeAt(j);
        if (d === COMMA || d === LF || d === CR) break;
        j++;
      }
      this.field += chunk.slice(i, j);
      this.state = UNQUOTED;
      i = j;
    }
    return out;
  }

  /** Ends the input and returns the last record, if the text did not end with a line break. */
  end(): string[][] {
    if (this.state === QUOTED) {
      throw new StatsInputError(
        'csv_malformed',
        `CSV record ${this.recordNumber}: a quoted field is never closed`,
      );
    }
    const out: string[][] = [];
    this.endRecord(out);
    return out;
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldQuoted = false;
    this.state = FIELD_START;
  }

  private endRecord(out: string[][]): void {
    const blank = this.record.length === 0 && this.field === '' && !this.fieldQuoted;
    if (blank) {
      this.state = FIELD_START;
      return;
    }
    this.endField();
    out.push(this.record);
    this.record = [];
    this.recordNumber++;
  }
}

/** Parses a whole CSV text into records (arrays of field strings). */
export function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  const records = parser.push(text);
  for (const record of parser.end()) records.push(record);
  return records;
}
