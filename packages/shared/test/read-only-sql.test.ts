import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertReadOnlyQuery, BenchmarkFile, benchmarkFromSpace, isReadOnlyQuery, parseSerializedSpace, readOnlyQueryProblem, UnsafeSqlError } from '../src/index.ts';

const root = join(import.meta.dirname, '..', '..', '..');

/** Every expected_sql the repository ships: benchmarks/*.json and each dataset's space benchmarks. */
function shippedSql(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of readdirSync(join(root, 'benchmarks')).filter((f) => f.endsWith('.json'))) {
    const parsed = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', file), 'utf8')));
    for (const q of parsed.questions) out.push([`${file} ${q.id}`, q.expected_sql]);
  }
  for (const dataset of readdirSync(join(root, 'datasets'))) {
    const space = JSON.parse(readFileSync(join(root, 'datasets', dataset, 'space.json'), 'utf8'));
    for (const q of benchmarkFromSpace(parseSerializedSpace(space.serialized_space))) out.push([`${dataset} ${q.id}`, q.expected_sql]);
  }
  return out;
}

/** Read-only Databricks SQL that Genie writes and the repository's samples do not cover. */
const DATABRICKS_READS: string[] = [
  'SELECT region, MEASURE(revenue) AS revenue FROM main.retail.sales_mv GROUP BY ALL ORDER BY revenue DESC LIMIT 5',
  'SELECT `order id`, amount::DECIMAL(10,2), CAST(x AS INT) FROM `main`.`retail`.`orders`',
  'SELECT a, ROW_NUMBER() OVER (PARTITION BY b ORDER BY c) AS rn FROM t QUALIFY rn = 1',
  'SELECT * FROM t WHERE d > current_date() - INTERVAL 7 DAYS',
  'SELECT s.a.b, x FROM t LATERAL VIEW explode(arr) e AS x',
  "SELECT named_struct('a', 1).a, map('k', 2)['k'], array(1, 2)[0]",
  'WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b',
  'WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r',
  'VALUES (1, 2), (3, 4)',
  '(SELECT 1) UNION ALL (SELECT 2)',
  'SELECT 1;',
  'SELECT 1 ; -- trailing comment',
  '-- leading comment\n/* block /* nested */ comment */ SELECT 1',
  "SELECT ';' AS semicolon, 'DROP TABLE x' AS text, \"DELETE FROM y\" AS also_text",
  "SELECT 'it''s', 'back\\\\slash', 'a\\\"b' FROM t",
  'SELECT `drop`, `insert` FROM t WHERE `update` = 1',
  "SELECT date_trunc('MONTH', ord_dt) AS m, 1e3, .5, 0.25 FROM t WHERE c IN (SELECT c FROM u) AND d = :param",
  'SELECT x FROM t TABLESAMPLE (10 PERCENT) PIVOT (SUM(v) FOR k IN (1, 2))',
];

/** Statements that write, change the session, or hide a second statement. */
const HOSTILE: string[] = [
  'CREATE TABLE t AS SELECT 42',
  'CREATE OR REPLACE VIEW v AS SELECT 1',
  'SELECT 1; DROP TABLE x',
  'SELECT 1;DROP TABLE x;',
  'INSERT INTO t VALUES (1)',
  'INSERT OVERWRITE t SELECT * FROM u',
  'WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a',
  'WITH a AS (SELECT 1) DELETE FROM t',
  'MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE',
  'UPDATE t SET x = 1',
  'DELETE FROM x',
  'SELECT 1 -- ;\n; DELETE FROM x',
  '/* */ DROP TABLE x',
  "'; DROP TABLE x; --",
  "x'; DROP TABLE x; --",
  "SELECT 'a'; DROP TABLE x; --'",
  "SELECT 'a\\'; DROP TABLE x; --'",
  'SET x=1',
  'SET spark.sql.ansi.enabled = false',
  'RESET',
  'OPTIMIZE t',
  'OPTIMIZE t ZORDER BY (a)',
  'VACUUM t',
  "COPY INTO t FROM '/tmp/x' FILEFORMAT = CSV",
  'GRANT SELECT ON TABLE t TO `someone`',
  'REVOKE ALL PRIVILEGES ON SCHEMA s FROM `someone`',
  'USE CATALOG main',
  'USE main.retail',
  'REFRESH TABLE t',
  'CACHE TABLE t',
  'CACHE SELECT * FROM t',
  'UNCACHE TABLE t',
  'CALL system.proc()',
  'ALTER TABLE t ADD COLUMN c INT',
  'TRUNCATE TABLE t',
  'DROP SCHEMA main.retail CASCADE',
  'MSCK REPAIR TABLE t',
  'DESCRIBE TABLE t',
  'SHOW TABLES',
  'EXPLAIN SELECT 1',
  'FROM t SELECT *',
  "LOAD DATA INPATH '/x' INTO TABLE t",
  "SELECT reflect('java.lang.Runtime', 'getRuntime')",
  "SELECT java_method('java.lang.System', 'exit', 0)",
  "SELECT http_request(conn => 'c', method => 'POST', path => '/x')",
  'SELECT * FROM (DELETE FROM t)',
  'SELECT 1DROP TABLE x',
  'SELECT 1 /* unterminated',
  "SELECT 'unterminated",
  'SELECT `unterminated',
  'SELECT (1',
  'SELECT 1)',
  'SELECT 1;;',
  'SELECT 1\0; DROP TABLE x',
  '',
  '   -- only a comment',
  ';',
];

describe('read-only SQL guard', () => {
  const shipped = shippedSql();

  it('finds the shipped benchmark SQL to check', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(70);
  });

  it.each(shipped)('accepts shipped benchmark SQL %s', (_where, sql) => {
    expect(readOnlyQueryProblem(sql)).toBeUndefined();
  });

  it.each(DATABRICKS_READS)('accepts read-only Databricks SQL: %s', (sql) => {
    expect(readOnlyQueryProblem(sql)).toBeUndefined();
  });

  it.each(HOSTILE)('rejects %j', (sql) => {
    expect(isReadOnlyQuery(sql)).toBe(false);
    expect(() => assertReadOnlyQuery(sql, 'questions[0].expected_sql')).toThrow(UnsafeSqlError);
  });

  it('refuses a backslash-escaped quote, which Databricks and DuckDB read differently', () => {
    expect(readOnlyQueryProblem("SELECT 'a\\'b' FROM t")).toMatch(/unterminated string/);
  });

  it('names the field and the reason in the error', () => {
    const error = (() => {
      try {
        assertReadOnlyQuery('SELECT 1; DROP TABLE x', 'questions[3].expected_sql');
      } catch (e) {
        return e as UnsafeSqlError;
      }
    })();
    expect(error).toBeInstanceOf(UnsafeSqlError);
    expect(error?.field).toBe('questions[3].expected_sql');
    expect(error?.message).toMatch(/^questions\[3\]\.expected_sql must be one read-only query.*more than one statement/);
  });
});

