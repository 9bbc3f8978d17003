import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../scripts/demo.ts';
import { BenchmarkFile, benchmarkFromSpace, parseSerializedSpace, type SpaceWithConfig } from '@genie-enhancer/shared';
import { expectNoLeak } from './helpers/leakage.ts';

const root = join(import.meta.dirname, '..');

async function demo(dataset: string) {
  let stdout = '';
  let left: SpaceWithConfig[] = [];
  const code = await runDemo(['--dataset', join(root, 'datasets', dataset)], {
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: {} },
    onSpacesLeft: (spaces) => (left = spaces),
  });
  const scores = [...stdout.matchAll(/^loop \d+: ([\d.]+)%/gm)].map((m) => Number(m[1]) / 100);
  return { code, scores, left };
}

// `pnpm demo` as a user runs it (CLI, simulator, @databricks/sql driver), then the spaces it leaves behind.
describe('pnpm demo', () => {
  const kpiBenchmark = () => BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;
  it.each([
    { dataset: 'kpi-retail', fileBenchmark: kpiBenchmark },
    { dataset: 'hr-people', fileBenchmark: undefined },
  ])('$dataset: score from below 0.6 to at least 0.9, and no benchmark question or SQL in any space it leaves', async ({ dataset, fileBenchmark }) => {
    const { code, scores, left } = await demo(dataset);
    expect(code).toBe(0);
    expect(scores[0]).toBeLessThan(0.6);
    expect(scores.at(-1)).toBeGreaterThanOrEqual(0.9);
    expect(left.length).toBeGreaterThan(0);
    for (const space of left) {
      const parsed = parseSerializedSpace(space.serialized_space);
      expectNoLeak(parsed, fileBenchmark?.() ?? benchmarkFromSpace(parsed));
    }
  }, 120_000);
});
