import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchmarkFile, type BenchmarkQuestion } from '@genie-enhancer/shared';
import { root } from './sim.ts';

export { busiestWindow } from '../../tests/helpers/busiest-window.ts';

/** The physical bound of a scoring pass: T >= max(N / R, ceil(N / C) x L), in ms (R per minute, 0 = none). */
export function physicalBound(p: { n: number; perMinute: number; concurrency: number; latencyMs: number }): number {
  return Math.max(p.perMinute > 0 ? (p.n / p.perMinute) * 60_000 : 0, Math.ceil(p.n / p.concurrency) * p.latencyMs);
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

const kpi = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;

/**
 * N questions: the KPI benchmark's, cycled. Preflight leaves a repeated question text or a repeated expected result
 * out of the run (it would never be asked), so each cycle after the first asks in other words and expects its
 * result with a column of its own: Genie still answers with SQL that both run on the warehouse (the work measured),
 * and the repeats score as failures, which does not change how long a question takes.
 */
export function questions(n: number): BenchmarkQuestion[] {
  return Array.from({ length: n }, (_, i) => {
    const q = kpi[i % kpi.length];
    const cycle = Math.floor(i / kpi.length);
    if (cycle === 0) return { ...q, id: `${q.id}-${i}` };
    return { ...q, id: `${q.id}-${i}`, question: `${q.question} (asked again, round ${cycle})`, expected_sql: `SELECT ${cycle} AS round_${cycle}, v.* FROM (${q.expected_sql.replace(/;\s*$/, '')}) AS v` };
  });
}

export interface Row {
  section: string;
  case: string;
  /** what was measured, human-readable */
  measured: string;
  /** the bound or baseline it is held against */
  against: string;
  /** measured / against (lower is better unless the goal says otherwise) */
  ratio: number | null;
  goal: string;
  met: boolean | null;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
