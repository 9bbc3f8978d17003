/** Helpers shared by the sample-dataset generators: a seeded PRNG and CSV writing. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function seededRandom(seed: number) {
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    let r = rand() * items.reduce((s, [, w]) => s + w, 0);
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1][0];
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const day = (from: string, to: string) => {
    const a = Date.parse(from), b = Date.parse(to);
    return new Date(a + Math.floor(rand() * ((b - a) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
  };
  const money = (n: number) => n.toFixed(2);
  return { rand, pick, weighted, int, day, money };
}

export function csv(header: string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header.join(','), ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n') + '\n';
}

/**
 * Writes `space.json` for a thin space: its tables (sorted, as the export requires), no instructions, and the
 * benchmark questions with their expected SQL; ids are hashes of the texts, so the file is deterministic.
 */
export function writeThinSpace(outDir: string, space: { name: string; title: string; description: string; warehouseId: string; tables: string[]; questions: [string, string][] }): void {
  const id = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
  const serialized = {
    version: 2,
    data_sources: { tables: [...space.tables].sort().map((identifier) => ({ identifier })) },
    instructions: { text_instructions: [], example_question_sqls: [] },
    benchmarks: {
      questions: space.questions.map(([q, sql]) => ({ id: id(q), question: [q], answer: [{ format: 'SQL', content: [sql] }] })).sort((a, b) => a.id.localeCompare(b.id)),
    },
  };
  writeFileSync(join(outDir, 'space.json'), `${JSON.stringify({
    space_id: id(`${space.name} space`),
    title: space.title,
    description: space.description,
    warehouse_id: space.warehouseId,
    serialized_space: JSON.stringify(serialized),
  }, null, 2)}\n`);
}
