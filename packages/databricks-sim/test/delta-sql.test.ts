import { describe, expect, it } from 'vitest';
import { createSqlEngine } from '../src/sql/sql-engine.ts';
import { stripDeltaClauses, translateParamMarkers } from '../src/sql/translate.ts';

describe('Databricks DDL and parameters on the simulated warehouse', () => {
  it('drops USING DELTA, COMMENT and TBLPROPERTIES but never text inside a string', () => {
    const ddl = `CREATE TABLE IF NOT EXISTS a.b.c (x STRING NOT NULL COMMENT 'it\\'s the key', y INT COMMENT 'USING DELTA') USING DELTA COMMENT 'a table' TBLPROPERTIES ('k' = 'v)', 'l' = 'w')`;
    expect(stripDeltaClauses(ddl).replace(/\s+/g, ' ').trim()).toBe('CREATE TABLE IF NOT EXISTS a.b.c (x STRING NOT NULL , y INT )');
    expect(stripDeltaClauses("SELECT 'COMMENT ''x''' AS c")).toBe("SELECT 'COMMENT ''x''' AS c");
  });

  it('turns :name markers into DuckDB ones, leaving :: casts and strings alone', () => {
    expect(translateParamMarkers("SELECT :a, x::INT, ':b', '10:30' FROM t WHERE y = :c_2")).toBe("SELECT $a, x::INT, ':b', '10:30' FROM t WHERE y = $c_2");
  });

  it('runs the DDL, a keyed MERGE and bound parameters; a parameter is data, never SQL', async () => {
    const engine = await createSqlEngine();
    try {
      await engine.execute("CREATE SCHEMA IF NOT EXISTS ops.hist COMMENT 'history'");
      await engine.execute("CREATE TABLE IF NOT EXISTS ops.hist.t (k STRING NOT NULL COMMENT 'key', v INT COMMENT 'value') USING DELTA TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
      const merge = 'MERGE INTO ops.hist.t AS t USING (SELECT CAST(:k AS STRING) AS k, CAST(:v AS INT) AS v) AS s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)';
      const evil = "'; DROP TABLE ops.hist.t; --";
      await engine.execute(merge, { params: { k: evil, v: 1 } });
      await engine.execute(merge, { params: { k: evil, v: 2 } });
      const rows = await engine.execute('SELECT k, v FROM ops.hist.t WHERE k = :k', { params: { k: evil } });
      expect(rows.rows).toEqual([[evil, 2]]);
    } finally {
      await engine.close();
    }
  });
});
