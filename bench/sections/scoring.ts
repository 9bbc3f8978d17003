import { openWorkspace, scoreBenchmark } from '@genie-enhancer/shared';
import { physicalBound, questions, seconds, type Row } from '../lib/measure.ts';
import { startSimProcess } from '../lib/sim.ts';
import { startBenchStack } from '../lib/stacks.ts';
import type { BenchOptions } from '../run.ts';

/**
 * Scoring at a non-binding rate (R = 0) and Genie latency L: wall time of a first pass over its physical bound
 * ceil(N / C) x L, inline (scoreBenchmark in this process) and distributed (two scorer processes); and the original
 * system's comparison, sequential (C = 1) against batch (C = 10).
 */
export async function scoringSection(options: BenchOptions): Promise<Row[]> {
  const latencyMs = options.quick ? 300 : 2_000;
  const cases = options.quick ? [{ n: 6, c: [1, 3] }] : [{ n: 20, c: [1, 3, 10] }, { n: 100, c: [3, 10] }];
  const sim = await startSimProcess({ latencyMs });
  const rows: Row[] = [];
  const walls = new Map<string, number>();
  const record = (mode: string, n: number, c: number, wallMs: number) => {
    const bound = physicalBound({ n, perMinute: 0, concurrency: c, latencyMs });
    walls.set(`${mode}:${n}:${c}`, wallMs);
    rows.push({ section: 'scoring, L = ' + seconds(latencyMs), case: `${mode}, N = ${n}, C = ${c}`, measured: seconds(wallMs), against: `bound ${seconds(bound)}`, ratio: wallMs / bound, goal: mode === 'inline' ? '<= 1.2' : '', met: mode === 'inline' ? wallMs / bound <= 1.2 : null });
    options.log(`scoring ${mode} N=${n} C=${c}: ${seconds(wallMs)} (bound ${seconds(bound)})`);
  };
  try {
    const workspace = openWorkspace({ host: sim.info.url, token: sim.info.token, warehousePort: sim.info.warehousePort, caCertPem: sim.info.caCert });
    const deps = { genie: workspace.genie, warehouse: workspace.warehouse(sim.info.warehouseId) };
    await scoreBenchmark(deps, { spaceId: sim.info.spaceId, questions: questions(2), concurrency: 2, timeoutMs: 60_000 }); // warm-up: session, agent
    for (const { n, c: concurrencies } of cases) {
      for (const c of concurrencies) {
        const started = performance.now();
        await scoreBenchmark(deps, { spaceId: sim.info.spaceId, questions: questions(n), concurrency: c, timeoutMs: 120_000 });
        record('inline', n, c, performance.now() - started);
      }
    }
    await workspace.close();

    const maxC = Math.max(...cases.flatMap((k) => k.c));
    const stack = await startBenchStack('scoring', sim, 2, {
      GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: String(2 * maxC), WORKER_CONCURRENCY: String(Math.ceil(maxC / 2) + 1),
    });
    try {
      await stack.scorePass(questions(2), 2); // warm-up
      for (const { n, c: concurrencies } of cases) {
        for (const c of concurrencies) record('distributed', n, c, (await stack.scorePass(questions(n), c)).passMs);
      }
    } finally {
      await stack.stop();
    }
  } finally {
    await sim.close();
  }
  const n = cases[0].n;
  const [low, high] = [cases[0].c[0], cases[0].c.at(-1)!];
  for (const mode of ['inline', 'distributed']) {
    const [sequential, batch] = [walls.get(`${mode}:${n}:${low}`)!, walls.get(`${mode}:${n}:${high}`)!];
    rows.push({ section: 'sequential vs batch', case: `${mode}, N = ${n}: C = ${low} / C = ${high}`, measured: `${seconds(sequential)} / ${seconds(batch)}`, against: `ideal ${(Math.ceil(n / low) / Math.ceil(n / high)).toFixed(1)}x`, ratio: sequential / batch, goal: 'speed-up', met: null });
  }
  return rows;
}
