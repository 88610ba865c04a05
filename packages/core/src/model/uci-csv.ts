import { NUMERIC_COLUMNS, type UciSession } from './uci-session.ts';

const REQUIRED = [...NUMERIC_COLUMNS, 'Month', 'VisitorType', 'Weekend'] as const;

/** Split one CSV line into fields (RFC 4180 quoting, `""` escapes). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

function parseNumber(raw: string, line: number, column: string): number {
  const text = raw.trim();
  if (text === '' || text.toUpperCase() === 'NA') return Number.NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`line ${line}: ${column} is not a number: ${JSON.stringify(raw)}`);
  return value;
}

function parseBoolean(raw: string, line: number, column: string): boolean | null {
  const text = raw.trim().toUpperCase();
  if (text === '' || text === 'NA') return null;
  if (text === 'TRUE' || text === '1') return true;
  if (text === 'FALSE' || text === '0') return false;
  throw new Error(`line ${line}: ${column} is not TRUE/FALSE: ${JSON.stringify(raw)}`);
}

/** Parse a file in the UCI online-shoppers format (header row, columns in any order) into sessions. */
export function parseUciCsv(text: string): UciSession[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = REQUIRED.filter((name) => !index.has(name));
  if (missing.length > 0)
    throw new Error(`not a UCI online-shoppers file: missing columns ${missing.join(', ')}`);
  const revenueAt = index.get('Revenue');
  const at = (name: string): number => index.get(name)!;
  const numericAt = NUMERIC_COLUMNS.map((name) => [name, at(name)] as const);
  const monthAt = at('Month');
  const visitorAt = at('VisitorType');
  const weekendAt = at('Weekend');

  const sessions: UciSession[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (fields.length !== header.length) {
      throw new Error(`line ${i + 1}: expected ${header.length} fields, found ${fields.length}`);
    }
    const session = {
      Month: fields[monthAt].trim(),
      VisitorType: fields[visitorAt].trim(),
      Weekend: parseBoolean(fields[weekendAt], i + 1, 'Weekend'),
      Revenue: revenueAt === undefined ? null : parseBoolean(fields[revenueAt], i + 1, 'Revenue'),
    } as UciSession;
    for (const [name, col] of numericAt) session[name] = parseNumber(fields[col], i + 1, name);
    sessions.push(session);
  }
  return sessions;
}
