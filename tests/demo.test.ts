import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: { GENIE_ENHANCER_STATE_DIR: mkdtempSync(join(tmpdir(), 'genie-demo-')) } },
    onSpacesLeft: (spaces) => (left = spaces),
  });
  const percent = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? NaN) / 100;
  const scores = { initial: percent(/^loop 0: train ([\d.]+)%/m), final: percent(/^final: train ([\d.]+)%/m), heldOut: percent(/^final: train [\d.]+%, held-out ([\d.]+)%/m) };
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
    expect(scores.initial).toBeLessThan(0.6);
    expect(scores.final).toBeGreaterThanOrEqual(0.9);
    // the held-out questions are reported; the planner never saw them
    expect(scores.heldOut).toBeGreaterThanOrEqual(0);
    expect(left.length).toBeGreaterThan(0);
    for (const space of left) {
      const parsed = parseSerializedSpace(space.serialized_space);
      expectNoLeak(parsed, fileBenchmark?.() ?? benchmarkFromSpace(parsed));
    }
  }, 120_000);
});
