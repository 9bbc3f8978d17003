/**
 * Writes a dataset folder with generated table and column names, descriptions, data and benchmark, so tests can
 * show that the loop's gains do not depend on the shipped samples. Names are random per seed; the questions use
 * business words that appear nowhere in the schema.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { csv, seededRandom } from '../../scripts/dataset-generation.ts';

const ENTITIES = ['shipment', 'visit', 'ticket', 'booking', 'invoice'];
const MEASURES = [['weight', 'distance'], ['charge', 'duration'], ['fee', 'effort'], ['payload', 'delay']];
const DIMENSIONS = ['carrier', 'zone', 'priority', 'channel', 'tier'];
const ATTRIBUTES = ['segment', 'division', 'district', 'cluster'];
const VALUES = ['Alpha', 'Bravo', 'Charlie', 'Delta'];

export interface RandomDataset {
  dir: string;
  spaceId: string;
  words: { entity: string; measure: string; count: string; dimension: string; attribute: string };
}

const hex = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

export function writeRandomDataset(parent: string, seed: number): RandomDataset {
  const r = seededRandom(seed);
  const token = () => Array.from({ length: 4 }, () => String.fromCharCode(97 + r.int(0, 25))).join('');
  const schema = `s_${token()}`;
  const fact = `f_${token()}`;
  const dim = `d_${token()}`;
  const col = { id: `${fact}_id`, key: `k_${token()}`, date: `dt_${token()}`, m1: `x_${token()}`, m2: `y_${token()}`, d1: `g_${token()}`, status: `st_${token()}`, pk: `p_${token()}`, attr: `a_${token()}` };
  const entity = r.pick(ENTITIES);
  const [measure, count] = r.pick(MEASURES);
  const dimension = r.pick(DIMENSIONS);
  const attribute = r.pick(ATTRIBUTES);
  const dir = join(parent, `random-${seed}`);
  mkdirSync(dir, { recursive: true });
  const F = `main.${schema}.${fact}`;
  const D = `main.${schema}.${dim}`;

  const table = (name: string, columns: [string, string][]) => `CREATE TABLE ${name} (\n${columns.map(([c, t]) => `  ${c} ${t}`).join(',\n')}\n);\n`;
  writeFileSync(join(dir, 'schema.sql'), [
    table(F, [[col.id, 'BIGINT'], [col.key, 'BIGINT'], [col.date, 'DATE'], [col.m1, 'DOUBLE'], [col.m2, 'INT'], [col.d1, 'STRING'], [col.status, 'STRING']]),
    table(D, [[col.pk, 'BIGINT'], [col.attr, 'STRING']]),
  ].join('\n'));
  const dims = Array.from({ length: 8 }, (_, i) => [100 + i, `${r.pick(['North', 'South', 'Central'])}${i}`]);
  writeFileSync(join(dir, `${dim}.csv`), csv([col.pk, col.attr], dims));
  const facts = Array.from({ length: 600 }, (_, i) => [
    i + 1, r.pick(dims)[0], r.day('2023-01-01', '2024-12-31'), Number((r.rand() * 500).toFixed(3)), r.int(1, 40), r.pick(VALUES), r.rand() < 0.1 ? 'VOID' : 'OK',
  ]);
  writeFileSync(join(dir, `${fact}.csv`), csv([col.id, col.key, col.date, col.m1, col.m2, col.d1, col.status], facts));

  const live = `${col.status} <> 'VOID'`;
  const questions: [string, string][] = [
    [`How many ${entity}s are in the table?`, `SELECT COUNT(*) FROM ${F} WHERE ${live}`],
    [`What is the total ${measure} in 2024?`, `SELECT SUM(${col.m1}) FROM ${F} WHERE ${live} AND year(${col.date}) = 2024`],
    [`What is the total ${measure} by ${dimension}?`, `SELECT ${col.d1}, SUM(${col.m1}) FROM ${F} WHERE ${live} GROUP BY ${col.d1}`],
    [`What is the average ${count} in 2023?`, `SELECT AVG(${col.m2}) FROM ${F} WHERE ${live} AND year(${col.date}) = 2023`],
    [`What is the total ${measure} by ${attribute}?`, `SELECT d.${col.attr}, SUM(f.${col.m1}) FROM ${F} f JOIN ${D} d ON f.${col.key} = d.${col.pk} WHERE f.${live} GROUP BY d.${col.attr}`],
    [`How many ${entity}s were there in 2024?`, `SELECT COUNT(*) FROM ${F} WHERE ${live} AND year(${col.date}) = 2024`],
    [`Which ${dimension} has the highest ${measure}?`, `SELECT ${col.d1}, SUM(${col.m1}) AS v FROM ${F} WHERE ${live} GROUP BY ${col.d1} ORDER BY v DESC LIMIT 1`],
    [`What is the total ${measure} for the Bravo ${dimension} in 2024?`, `SELECT SUM(${col.m1}) FROM ${F} WHERE ${live} AND ${col.d1} = 'Bravo' AND year(${col.date}) = 2024`],
    [`What is the total ${count} by month in 2024?`, `SELECT date_trunc('MONTH', ${col.date}) AS month, SUM(${col.m2}) FROM ${F} WHERE ${live} AND year(${col.date}) = 2024 GROUP BY date_trunc('MONTH', ${col.date}) ORDER BY month`],
    [`How many ${entity}s are there per ${dimension}?`, `SELECT ${col.d1}, COUNT(*) FROM ${F} WHERE ${live} GROUP BY ${col.d1}`],
  ];
  const serialized = {
    version: 2,
    data_sources: {
      tables: [
        { identifier: D, description: [`Reference data keyed by ${col.pk}.`] },
        { identifier: F, description: [`Fact rows loaded nightly from the source system.`] },
      ].sort((a, b) => a.identifier.localeCompare(b.identifier)),
    },
    instructions: { text_instructions: [], example_question_sqls: [] },
    benchmarks: {
      questions: questions.map(([q, sql]) => ({ id: hex(`${seed}:${q}`), question: [q], answer: [{ format: 'SQL', content: [sql] }] })).sort((a, b) => a.id.localeCompare(b.id)),
    },
  };
  const spaceId = hex(`random-space-${seed}`);
  writeFileSync(join(dir, 'space.json'), JSON.stringify({ space_id: spaceId, title: `Generated ${seed}`, description: 'Generated at test time', warehouse_id: 'feedfacecafebeef', serialized_space: JSON.stringify(serialized) }, null, 2));
  return { dir, spaceId, words: { entity, measure, count, dimension, attribute } };
}
