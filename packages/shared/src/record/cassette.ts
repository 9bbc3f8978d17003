/**
 * Cassettes: one JSON-lines file per kind of exchange with the workspace, written by the recorder and read by the
 * simulator's replay. Each line is one exchange with sorted keys; `at` (ms since the epoch, when the call started)
 * orders the lines of several processes writing the same directory.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors/index.ts';

export const CASSETTE_FILES = { genie: 'genie.jsonl', spaces: 'spaces.jsonl', warehouse: 'warehouse.jsonl', model: 'model.jsonl' } as const;
export type CassetteKind = keyof typeof CASSETTE_FILES;

const RecordedSpace = z.looseObject({ space_id: z.string(), serialized_space: z.string().optional(), title: z.string().optional(), description: z.string().optional(), warehouse_id: z.string().optional(), parent_path: z.string().optional() });

export const GenieLine = z.object({
  at: z.number(),
  space_id: z.string(),
  question: z.string(),
  follow_up: z.boolean().optional(),
  answer: z.object({ status: z.string(), sql: z.string().optional(), text: z.string().optional(), error: z.string().optional(), error_type: z.string().optional() }),
});
export const SpaceLine = z.object({
  at: z.number(),
  op: z.enum(['get', 'update', 'create', 'trash', 'list']),
  space_id: z.string().optional(),
  request: z.unknown().optional(),
  response: z.unknown().optional(),
});
export const WarehouseLine = z.object({
  at: z.number(),
  warehouse_id: z.string(),
  /** the statement as normaliseStatement left it (the lookup key) */
  sql: z.string(),
  result: z.object({ columns: z.array(z.object({ name: z.string(), type: z.string() })), rows: z.array(z.array(z.unknown())) }).optional(),
  error: z.object({ message: z.string(), sql_state: z.string().optional() }).optional(),
});
export const ModelLine = z.object({
  at: z.number(),
  endpoint: z.string(),
  /** promptKey of `messages` (the lookup key) */
  key: z.string(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })),
  response: z.object({ content: z.string(), model: z.string(), usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).optional() }),
});
export type GenieLine = z.infer<typeof GenieLine>;
export type SpaceLine = z.infer<typeof SpaceLine>;
export type WarehouseLine = z.infer<typeof WarehouseLine>;
export type ModelLine = z.infer<typeof ModelLine>;
export type RecordedSpace = z.infer<typeof RecordedSpace>;
export { RecordedSpace };

export interface Cassettes {
  genie: GenieLine[];
  spaces: SpaceLine[];
  warehouse: WarehouseLine[];
  model: ModelLine[];
}

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(sortKeys) : value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]))
    : value;

/** JSON with object keys sorted at every level: the same value always gives the same line. */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A statement as looked up: surrounding blanks and a trailing semicolon dropped, every run of blanks one space. */
export const normaliseStatement = (sql: string): string => sql.replace(/;\s*$/, '').trim().replace(/\s+/g, ' ');

/** Key of one model call: a hash of its chat messages (role and content, in order). */
export const promptKey = (messages: readonly { role: string; content: string }[]): string => sha256(canonicalJson(messages.map((m) => ({ role: m.role, content: m.content }))));

/**
 * What Genie answers from: a hash of the space's configuration without its benchmark section (which Genie does
 * not read), key order and whitespace aside. Null when the text is not JSON.
 */
export function configFingerprint(serialized: string): string | null {
  try {
    const { benchmarks: _benchmarks, ...config } = JSON.parse(serialized) as Record<string, unknown>;
    return sha256(canonicalJson(config)).slice(0, 32);
  } catch {
    return null;
  }
}

const SCHEMAS = { genie: GenieLine, spaces: SpaceLine, warehouse: WarehouseLine, model: ModelLine } as const;

/** Every line of the cassettes in `dir`, each kind in call order; a missing file is an empty cassette. */
export function readCassettes(dir: string): Cassettes {
  if (!existsSync(dir)) throw new InputError(`replay: no cassette directory ${dir}`);
  const read = <K extends CassetteKind>(kind: K) => {
    const file = join(dir, CASSETTE_FILES[kind]);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new InputError(`replay: ${file}:${i + 1} is not JSON`);
      }
      const checked = SCHEMAS[kind].safeParse(parsed);
      if (!checked.success) throw new InputError(`replay: ${file}:${i + 1}: ${checked.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      return [checked.data];
    }).sort((a, b) => a.at - b.at);
  };
  return { genie: read('genie') as GenieLine[], spaces: read('spaces') as SpaceLine[], warehouse: read('warehouse') as WarehouseLine[], model: read('model') as ModelLine[] };
}
