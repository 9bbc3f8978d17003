import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seconds, type Row } from '../lib/measure.ts';
import { root } from '../lib/sim.ts';
import type { BenchOptions } from '../run.ts';

const run = promisify(execFile);

interface Timed { ms: number; cpuMs: number }
interface CompareRun { rows: number; equal: Timed; diff: Timed; heapAfterEqualMb: number; maxRssMb: number }

async function compareIn(rows: number): Promise<CompareRun> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--max-old-space-size=1024', join(root, 'bench', 'lib', 'compare-child.ts'), String(rows)], { cwd: root, maxBuffer: 1 << 20, timeout: 300_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as CompareRun;
}

/** Result comparison of a small and a 10x larger result, equal and with one differing cell: time, linearity, memory. */
export async function compareSection(options: BenchOptions): Promise<Row[]> {
  const [small, large] = options.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const a = await compareIn(small);
  const b = await compareIn(large);
  options.log(`compare ${small}: ${seconds(a.equal.ms)} / ${seconds(a.diff.ms)}; ${large}: ${seconds(b.equal.ms)} / ${seconds(b.diff.ms)}`);
  const rows: Row[] = [];
  for (const r of [a, b]) {
    const goalMs = r.rows >= 1_000_000 ? 8_000 : r.rows >= 100_000 ? 500 : null;
    for (const [path, t] of [['equal', r.equal], ['one differing cell', r.diff]] as const) {
      rows.push({ section: 'result comparison', case: `${r.rows.toLocaleString('en')} rows x 3, ${path}: wall (CPU)`, measured: `${seconds(t.ms)} (${seconds(t.cpuMs)})`, against: goalMs ? `goal ${seconds(goalMs)}` : '', ratio: goalMs ? t.ms / goalMs : null, goal: goalMs ? '<= 1' : '', met: goalMs ? t.ms <= goalMs : null });
    }
    rows.push({ section: 'result comparison', case: `${r.rows.toLocaleString('en')} rows: memory (heap capped at 1 GB)`, measured: `heap after ${r.heapAfterEqualMb.toFixed(0)} MB, peak RSS ${r.maxRssMb.toFixed(0)} MB`, against: '1 GB heap', ratio: null, goal: 'finishes under the cap', met: true });
  }
  const cpu = (r: CompareRun) => r.equal.cpuMs + r.diff.cpuMs;
  rows.push({ section: 'result comparison', case: `linearity (CPU): t(${large.toLocaleString('en')}) / (10 x t(${small.toLocaleString('en')}))`, measured: `${seconds(cpu(b))} vs ${seconds(cpu(a))}`, against: 'linear = 1', ratio: cpu(b) / (10 * cpu(a)), goal: '~1', met: null });
  return rows;
}
