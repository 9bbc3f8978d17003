import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { GenieSpace, parseSerializedSpace } from '@genie-enhancer/shared';
import type { CatalogColumn } from '../catalog.types.ts';

/** A malformed dataset folder; the message names the file, line and field. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export interface DatasetTable { identifier: string; columns: CatalogColumn[]; csvPath: string }
export interface LoadedDataset { name: string; dir: string; tables: DatasetTable[]; space: GenieSpace & { serialized_space: string } }

const TYPE = /^(BIGINT|INT|INTEGER|SMALLINT|TINYINT|STRING|DATE|TIMESTAMP|DOUBLE|FLOAT|BOOLEAN|DECIMAL\(\s*\d+\s*,\s*\d+\s*\))$/i;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

export function parseSchemaSql(text: string, file: string): { identifier: string; columns: CatalogColumn[] }[] {
  const tables: { identifier: string; columns: CatalogColumn[] }[] = [];
  const statement = /create\s+table\s+(?:if\s+not\s+exists\s+)?([\w`]+\.[\w`]+\.[\w`]+)\s*\(([\s\S]*?)\)\s*(?:using\s+\w+\s*)?(?:comment\s+'[^']*'\s*)?;/gi;
  for (let m = statement.exec(text); m; m = statement.exec(text)) {
    const identifier = m[1].replace(/`/g, '').toLowerCase();
    const columns = m[2].split(/,(?![^(]*\))/).map((part) => part.trim()).filter(Boolean).map((part) => {
      const col = /^`?(\w+)`?\s+([A-Za-z]+(?:\(\s*\d+\s*,\s*\d+\s*\))?)(?:\s+not\s+null)?(?:\s+comment\s+'[^']*')?$/i.exec(part);
      if (!col || !TYPE.test(col[2])) {
        throw new DatasetError(`${file}:${lineOf(text, m!.index + m![0].indexOf(part))}: column "${part}" of ${identifier} needs a name and one of BIGINT, INT, STRING, DATE, TIMESTAMP, DOUBLE, DECIMAL(p,s), BOOLEAN`);
      }
      const type = col[2].toUpperCase().replace(/\s+/g, '').replace(/^INTEGER$/, 'INT');
      return { name: col[1], type };
    });
    tables.push({ identifier, columns });
  }
  if (tables.length === 0) throw new DatasetError(`${file}: no CREATE TABLE catalog.schema.table (...); statement found`);
  return tables;
}

function checkCsv(path: string, columns: CatalogColumn[]): void {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const expected = columns.map((c) => c.name);
  if (header.join(',') !== expected.join(',')) {
    throw new DatasetError(`${path}:1: header is "${header.join(',')}", expected "${expected.join(',')}"`);
  }
  lines.slice(1).forEach((line, i) => {
    if (line === '') return;
    const fields = line.split(',');
    if (fields.length !== expected.length) throw new DatasetError(`${path}:${i + 2}: ${fields.length} fields, expected ${expected.length}`);
    fields.forEach((value, c) => {
      const type = columns[c].type;
      if (value !== '' && /INT$/.test(type) && !/^-?\d+$/.test(value)) throw new DatasetError(`${path}:${i + 2}: field "${expected[c]}" = "${value}" is not a ${type}`);
      if (value !== '' && (type === 'DOUBLE' || type.startsWith('DECIMAL')) && Number.isNaN(Number(value))) throw new DatasetError(`${path}:${i + 2}: field "${expected[c]}" = "${value}" is not a ${type}`);
      if (value !== '' && type === 'DATE' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new DatasetError(`${path}:${i + 2}: field "${expected[c]}" = "${value}" is not a DATE (YYYY-MM-DD)`);
    });
  });
}

/** Reads a dataset folder (schema.sql, one <table>.csv per table, space.json); see docs/dataset-format.md. */
export function loadDatasetFolder(folder: string): LoadedDataset {
  const dir = resolve(folder);
  const schemaFile = join(dir, 'schema.sql');
  if (!existsSync(schemaFile)) throw new DatasetError(`${schemaFile}: missing`);
  const tables = parseSchemaSql(readFileSync(schemaFile, 'utf8'), schemaFile).map((table) => {
    const csvPath = join(dir, `${table.identifier.split('.').pop()}.csv`);
    if (!existsSync(csvPath)) throw new DatasetError(`${csvPath}: missing (one CSV per table in schema.sql)`);
    checkCsv(csvPath, table.columns);
    return { ...table, csvPath };
  });
  const spaceFile = join(dir, 'space.json');
  if (!existsSync(spaceFile)) throw new DatasetError(`${spaceFile}: missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spaceFile, 'utf8'));
  } catch (error) {
    throw new DatasetError(`${spaceFile}: not JSON (${(error as Error).message})`);
  }
  const space = GenieSpace.safeParse(raw);
  if (!space.success) throw new DatasetError(`${spaceFile}: ${space.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  if (!space.data.serialized_space) throw new DatasetError(`${spaceFile}: serialized_space is required`);
  try {
    parseSerializedSpace(space.data.serialized_space);
  } catch (error) {
    throw new DatasetError(`${spaceFile}: serialized_space is invalid: ${(error as Error).message.split('\n')[0]}`);
  }
  return { name: basename(dir), dir, tables, space: { ...space.data, serialized_space: space.data.serialized_space } };
}
