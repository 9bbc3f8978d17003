import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchmarkFile, type BenchmarkQuestion } from '@genie-enhancer/shared';
import { expectNoLeak } from './helpers/leakage.ts';
import { writeRandomDataset } from './helpers/random-dataset.ts';
import { runOnDataset } from './helpers/simulated-run.ts';

const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'genie-loop-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const runLoop = (dataset: string, questions?: BenchmarkQuestion[]) => runOnDataset(dataset, { ...(questions ? { questions } : {}), config: { max_loops: 3 } });

describe('the loop against the simulator raises the score through its fixes', () => {
  it('kpi-retail: below 60 % before, at least 90 % after, no benchmark copied into the space', async () => {
    const file = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8')));
    const { summary, benchmark, finalSpace } = await runLoop(join(root, 'datasets', 'kpi-retail'), file.questions);
    expect(summary.initial_score).toBeLessThan(0.6);
    expect(summary.final_score).toBeGreaterThanOrEqual(0.9);
    expect(summary.reports.every((r) => r.results.length === benchmark.length)).toBe(true);
    expectNoLeak(finalSpace, benchmark);
  });

  it('hr-people (its space benchmarks): below 60 % before, at least 90 % after, no leak', async () => {
    const { summary, benchmark, finalSpace } = await runLoop(join(root, 'datasets', 'hr-people'));
    expect(benchmark.length).toBeGreaterThanOrEqual(15);
    expect(summary.initial_score).toBeLessThan(0.6);
    expect(summary.final_score).toBeGreaterThanOrEqual(0.9);
    expectNoLeak(finalSpace, benchmark);
  });

  it.each([11, 12])('a generated dataset with random names (seed %i): the same questions fail before and pass after the fixes', async (seed) => {
    const { dir } = writeRandomDataset(scratch, seed);
    const { summary, benchmark, finalSpace } = await runLoop(dir);
    const before = summary.reports[0].results;
    const after = summary.reports.at(-1)!.results;
    const fixedIds = after.filter((r) => r.verdict === 'pass').map((r) => r.question_id).filter((id) => before.find((b) => b.question_id === id)?.verdict !== 'pass');
    expect(summary.final_score).toBeGreaterThan(summary.initial_score!);
    expect(summary.final_score).toBeGreaterThanOrEqual(0.9);
    expect(fixedIds.length).toBeGreaterThanOrEqual(benchmark.length / 2);
    expect(summary.loops.slice(1).reduce((n, l) => n + l.fixes_applied, 0)).toBeGreaterThan(0);
    expectNoLeak(finalSpace, benchmark);
  });
});
