import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkFromSpace, BenchmarkFile, parseSerializedSpace } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'test' || name === 'tmp') return [];
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : [];
  });
}

function benchmarkTexts(): { id: string; texts: string[] }[] {
  const out: { id: string; texts: string[] }[] = [];
  for (const file of files(join(root, 'benchmarks'), (p) => p.endsWith('.json'))) {
    for (const q of BenchmarkFile.parse(JSON.parse(readFileSync(file, 'utf8'))).questions) out.push({ id: q.id, texts: [q.question, q.expected_sql] });
  }
  for (const file of files(join(root, 'datasets'), (p) => p.endsWith('space.json'))) {
    const space = parseSerializedSpace(JSON.parse(readFileSync(file, 'utf8')).serialized_space);
    for (const q of benchmarkFromSpace(space)) out.push({ id: q.id, texts: [q.question, q.expected_sql] });
  }
  return out;
}

describe('no benchmark leaks into the product', () => {
  const sources = ['packages/databricks-sim/src', 'packages/shared/src', 'prompts'].flatMap((dir) =>
    files(join(root, dir), (p) => /\.(ts|md|txt|json)$/.test(p)),
  );
  const corpus = sources.map((path) => ({ path, body: normalise(readFileSync(path, 'utf8')) }));
  const benchmarks = benchmarkTexts();

  it('finds benchmarks to check and sources to scan', () => {
    expect(benchmarks.length).toBeGreaterThanOrEqual(25);
    expect(corpus.some((c) => c.path.includes('genie-engine'))).toBe(true);
  });

  it('no benchmark question or expected SQL appears in the simulator, the library or the prompts', () => {
    const hits = benchmarks.flatMap((b) =>
      b.texts.flatMap((text) => corpus.filter((c) => c.body.includes(normalise(text))).map((c) => `${b.id} in ${c.path}`)),
    );
    expect(hits).toEqual([]);
  });

  it('no benchmark id appears in the simulator source', () => {
    const sim = corpus.filter((c) => c.path.includes('databricks-sim'));
    const hits = benchmarks.filter((b) => b.id.length >= 5).flatMap((b) => sim.filter((c) => c.body.includes(b.id.toLowerCase())).map((c) => `${b.id} in ${c.path}`));
    expect(hits).toEqual([]);
  });
});
