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

/** N questions: the KPI benchmark's, cycled, each with its own id. */
export function questions(n: number): BenchmarkQuestion[] {
  return Array.from({ length: n }, (_, i) => ({ ...kpi[i % kpi.length], id: `${kpi[i % kpi.length].id}-${i}` }));
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
