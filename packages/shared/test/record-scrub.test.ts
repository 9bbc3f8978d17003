import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configFingerprint, createCassetteRecorder, createScrubber, normaliseStatement, PLACEHOLDER, promptKey, readCassettes, recordGenie, recordModel, recordSpaces, recordWarehouse,
  SqlExecutionError, type ChatModel, type GenieSpaces, type SqlWarehouse,
} from '../src/index.ts';

const HOST = 'https://adb-1234567890123456.7.azuredatabricks.net';
const PAT = 'dapi0123456789abcdef0123456789abcdef-2';
const SECRET = 'oauth-client-secret-value-42';

describe('scrubbing of recorded exchanges', () => {
  const scrub = createScrubber({ hosts: [HOST, '127.0.0.1:8080'], secrets: [SECRET] });

  it('replaces credentials, hosts and e-mail addresses by placeholders, in any text', () => {
    const text = `GET ${HOST}/api/2.0/genie/spaces as jane.doe@example.com with Bearer ${PAT}; secret ${SECRET}; `
      + 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl at http://127.0.0.1:8080/x, '
      + 'also adb-999.9.azuredatabricks.net and dbc-1a2b.cloud.databricks.com, /Users/john%40corp.io/x, token dose0123456789abcdef0123456789abcdef';
    const out = scrub(text);
    for (const leaked of [HOST, 'adb-1234567890123456', PAT, SECRET, 'jane.doe', 'example.com', 'eyJ', '127.0.0.1', 'adb-999', 'dbc-1a2b', 'john', 'corp.io', 'dose0123']) expect(out).not.toContain(leaked);
    expect(out).toContain(PLACEHOLDER.host);
    expect(out).toContain(PLACEHOLDER.email);
    expect(out).toContain(`Bearer ${PLACEHOLDER.token}`);
  });

  it('leaves ordinary text, SQL, ids and numbers alone and is idempotent', () => {
    const sql = "SELECT tier, COUNT(*) FROM main.shop.customers WHERE signup >= '2024-01-01' GROUP BY tier";
    expect(scrub(sql)).toBe(sql);
    expect(scrub('space 178fd2ca032db41f4a33404b0f63d883 warehouse feedfacecafebeef')).toBe('space 178fd2ca032db41f4a33404b0f63d883 warehouse feedfacecafebeef');
    const once = scrub(`${HOST} jane@example.com Bearer ${PAT}`);
    expect(scrub(once)).toBe(once);
  });

  it('drops the values of credential and user keys in objects, keeps token counts', () => {
    const out = scrub.value({ access_token: 'abc', nested: [{ user_id: 42, creator_user_name: 'x@y.io', title: 'Sales' }], usage: { prompt_tokens: 10, completion_tokens: 5 } });
    expect(out).toEqual({ access_token: PLACEHOLDER.secret, nested: [{ user_id: PLACEHOLDER.user, creator_user_name: PLACEHOLDER.user, title: 'Sales' }], usage: { prompt_tokens: 10, completion_tokens: 5 } });
  });

  it('learns a host after creation', () => {
    const late = createScrubber();
    expect(late('see http://10.1.2.3:9999/x')).toContain('10.1.2.3');
    late.learn({ hosts: ['http://10.1.2.3:9999'] });
    expect(late('see http://10.1.2.3:9999/x')).toBe(`see ${PLACEHOLDER.host}/x`);
  });
});

describe('cassettes written by the recording wrappers', () => {
  it('hold every exchange scrubbed, one sorted-key JSON line each, and read back in call order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassette-'));
    const rec = createCassetteRecorder(dir, { hosts: [HOST], secrets: [PAT] });
    const config = JSON.stringify({ version: 2, instructions: { text_instructions: [{ id: 'a', content: [`Ask jane.doe@example.com or see ${HOST}`] }] } });
    const spaces = recordSpaces({
      get: async (id: string) => ({ space_id: id, title: 'T', serialized_space: config, creator_user_name: 'jane.doe@example.com' }),
    } as unknown as GenieSpaces, rec);
    const warehouse = recordWarehouse({
      query: async (sql: string) => {
        if (/boom/.test(sql)) throw new SqlExecutionError('[TABLE_OR_VIEW_NOT_FOUND] boom', '42P01');
        return { columns: [{ name: 'n', type: 'BIGINT' }], rows: [[7]] };
      },
      close: async () => {},
    } as SqlWarehouse, 'wh1', rec);
    const model = recordModel({ complete: async () => ({ content: `{"fixes":[]} token ${PAT}`, model: 'm' }) } as ChatModel, 'planner', rec);

    await spaces.get('s1');
    await warehouse.query('  SELECT 1\n  FROM t ; ');
    await expect(warehouse.query('SELECT boom')).rejects.toThrow(SqlExecutionError);
    await model.complete({ system: 'sys', user: `fix it, host ${HOST}` });

    const files = readdirSync(dir).sort();
    expect(files).toEqual(['model.jsonl', 'spaces.jsonl', 'warehouse.jsonl']);
    const all = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    for (const leaked of [PAT, 'dapi', HOST, 'azuredatabricks', 'jane.doe', 'example.com']) expect(all).not.toContain(leaked);
    for (const line of all.trim().split('\n')) {
      const keys = Object.keys(JSON.parse(line));
      expect(keys).toEqual([...keys].sort());
    }

    const read = readCassettes(dir);
    expect(read.warehouse.map((l) => l.sql)).toEqual(['SELECT 1 FROM t', 'SELECT boom']);
    expect(read.warehouse[1].error).toEqual({ message: '[TABLE_OR_VIEW_NOT_FOUND] boom', sql_state: '42P01' });
    expect(read.model[0].key).toBe(promptKey([{ role: 'system', content: 'sys' }, { role: 'user', content: `fix it, host ${PLACEHOLDER.host}` }]));
    expect(read.spaces[0].response).toMatchObject({ creator_user_name: PLACEHOLDER.user });
    expect(configFingerprint((read.spaces[0].response as { serialized_space: string }).serialized_space)).toBe(configFingerprint(createScrubber({ hosts: [HOST] })(config)));
  });

  it('a line that cannot be written is reported and the call still answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassette-'));
    mkdirSync(join(dir, 'genie.jsonl'));
    const failures: string[] = [];
    const rec = createCassetteRecorder(dir, {}, (_error, file) => failures.push(file));
    const genie = recordGenie({ ask: async (_space: string, _question: string) => ({ conversation_id: 'c', message_id: 'm', status: 'COMPLETED' as const, sql: 'SELECT 1' }) }, rec);
    expect((await genie.ask('s', 'q')).sql).toBe('SELECT 1');
    expect(failures).toEqual([join(dir, 'genie.jsonl')]);
  });

  it('a damaged cassette line is named with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassette-'));
    const rec = createCassetteRecorder(dir);
    rec.write('warehouse', { at: 1, warehouse_id: 'w', sql: 'SELECT 1', result: { columns: [], rows: [] } });
    appendFileSync(join(dir, 'warehouse.jsonl'), '{"at": "soon"}\n');
    expect(() => readCassettes(dir)).toThrow(/warehouse\.jsonl:2: /);
  });

  it('fingerprints a configuration without its benchmarks, whatever the key order', () => {
    const a = configFingerprint('{"version":2,"data_sources":{"tables":[]},"benchmarks":{"questions":[1]}}');
    expect(a).toBe(configFingerprint('{"data_sources":{"tables":[]},"version":2}'));
    expect(a).not.toBe(configFingerprint('{"data_sources":{"tables":[{"identifier":"x"}]},"version":2}'));
    expect(normaliseStatement('SELECT  a\n FROM b;')).toBe('SELECT a FROM b');
  });
});
