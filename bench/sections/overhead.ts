import { readFileSync } from 'node:fs';
import { openWorkspace, scoreQuestion, type GenieConversations, type SqlWarehouse } from '@genie-enhancer/shared';
import { quantile, questions, type Row } from '../lib/measure.ts';
import { startSimProcess, type SimProcess } from '../lib/sim.ts';
import { startBenchStack } from '../lib/stacks.ts';
import type { BenchOptions } from '../run.ts';

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Durations (ms) of the scorer's score-question jobs, from its log lines (pino `time` of job started / job done). */
function jobDurations(lines: string[]): number[] {
  const started = new Map<string, number>();
  const durations: number[] = [];
  for (const line of lines) {
    if (!line.includes('"job":"score-question"')) continue;
    const entry = JSON.parse(line) as { job_id: string; msg: string; time: number };
    if (entry.msg === 'job started') started.set(entry.job_id, entry.time);
    else if (entry.msg === 'job done' && started.has(entry.job_id)) durations.push(entry.time - started.get(entry.job_id)!);
  }
  return durations;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/**
 * At Genie latency 0, what a question costs beyond Genie: per question (median, p95) inline, split into the Genie
 * conversation (start + polls) and the warehouse; distributed, the scorer's job durations and the pass time per
 * question.
 */
export async function overheadSection(options: BenchOptions): Promise<Row[]> {
  const n = options.quick ? 10 : 40;
  const sim = await startSimProcess({ latencyMs: 0 });
  const rows: Row[] = [];
  try {
    const workspace = openWorkspace({ host: sim.info.url, token: sim.info.token, warehousePort: sim.info.warehousePort, caCertPem: sim.info.caCert });
    const parts = { genie: 0, sql: 0 };
    const genie: GenieConversations = { ask: async (...args) => { const t = performance.now(); try { return await workspace.genie.ask(...args); } finally { parts.genie += performance.now() - t; } } };
    const inner = workspace.warehouse(sim.info.warehouseId);
    const warehouse: SqlWarehouse = { ...inner, query: async (...args) => { const t = performance.now(); try { return await inner.query(...args); } finally { parts.sql += performance.now() - t; } } };
    const totals: number[] = [];
    const genieTimes: number[] = [];
    const sqlTimes: number[] = [];
    for (const [i, question] of questions(n + 3).entries()) {
      parts.genie = parts.sql = 0;
      const started = performance.now();
      await scoreQuestion({ genie, warehouse }, { spaceId: sim.info.spaceId, question, timeoutMs: 60_000 });
      if (i < 3) continue; // warm-up
      totals.push(performance.now() - started);
      genieTimes.push(parts.genie);
      sqlTimes.push(parts.sql);
    }
    await workspace.close();
    const [median, p95] = [quantile(totals, 0.5), quantile(totals, 0.95)];
    options.log(`overhead inline: median ${ms(median)}, p95 ${ms(p95)}`);
    rows.push({ section: 'per-question overhead, L = 0', case: `inline, N = ${n}, sequential: median / p95`, measured: `${ms(median)} / ${ms(p95)}`, against: 'goal 20 ms', ratio: median / 20, goal: 'median <= 20 ms', met: median <= 20 });
    rows.push({ section: 'per-question overhead, L = 0', case: 'inline: where it goes (medians)', measured: `Genie start + polls ${ms(quantile(genieTimes, 0.5))}; warehouse, both queries (expected SQL in parallel with Genie) ${ms(quantile(sqlTimes, 0.5))}`, against: '', ratio: null, goal: '', met: null });

    // one scorer taking one job at a time: a job's duration is the question's, with no wait for the run's cap
    const stack = await startBenchStack('overhead', sim, 1, { GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '20', WORKER_CONCURRENCY: '1' });
    try {
      await stack.scorePass(questions(3), 1); // warm-up
      const scorer = stack.stack.processes.find((p) => p.name.startsWith('scorer'))!;
      const before = scorer.lines.length;
      const { passMs } = await stack.scorePass(questions(n), 1);
      const jobs = jobDurations(scorer.lines.slice(before));
      rows.push({ section: 'per-question overhead, L = 0', case: `distributed, N = ${n}, C = 1: job median / p95`, measured: `${ms(quantile(jobs, 0.5))} / ${ms(quantile(jobs, 0.95))}`, against: `inline median ${ms(median)}`, ratio: quantile(jobs, 0.5) / median, goal: '', met: null });
      rows.push({ section: 'per-question overhead, L = 0', case: 'distributed: pass time per question (with queue hand-offs)', measured: ms(passMs / n), against: `inline median ${ms(median)}`, ratio: passMs / n / median, goal: '', met: null });
      options.log(`overhead distributed: job median ${ms(quantile(jobs, 0.5))}, ${ms(passMs / n)} per question in the pass`);
    } finally {
      await stack.stop();
    }
  } finally {
    await sim.close();
  }
  return rows;
}

/** The scorer's RSS over a long run (1,000 questions) at Genie latency 0: peak, at half-time, at the end. */
export async function rssSection(options: BenchOptions): Promise<Row[]> {
  const sim = await startSimProcess({ latencyMs: 0 });
  try {
    return await scorerRss(sim, options.quick ? 100 : 1_000, options);
  } finally {
    await sim.close();
  }
}

/**
 * One scorer (10 jobs at a time, started with its SERVICE_NODE_FLAGS as in production) over a long run, its RSS
 * sampled every 250 ms: peak, and growth over the second half. RSS is a saw-tooth (the heap fills with garbage until
 * V8 collects it), so growth compares like with like: the second half's peak with the first half's. Set against
 * one sample at half-time (which may land in a trough just after a collection) the saw-tooth alone reads as growth;
 * heap snapshots of a scorer over 1,000 questions showed no retained per-question data (only compiled code grows).
 */
async function scorerRss(sim: SimProcess, longRun: number, options: BenchOptions): Promise<Row[]> {
  const stack = await startBenchStack('rss', sim, 1, { GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '20', WORKER_CONCURRENCY: '10' });
  try {
    await stack.scorePass(questions(10), 10); // warm-up
    const pid = stack.stack.processes.find((p) => p.name.startsWith('scorer'))!.child.pid!;
    const samples: { at: number; mb: number }[] = [];
    const sample = () => samples.push({ at: performance.now(), mb: rssMb(pid) });
    const started = performance.now();
    sample();
    const sampler = setInterval(sample, 250);
    await stack.scorePass(questions(longRun), 10, 900_000);
    clearInterval(sampler);
    sample();
    const ended = performance.now();
    const halfTime = started + 0.5 * (ended - started);
    const half = samples.find((s) => s.at >= halfTime)!.mb;
    const peak = Math.max(...samples.map((s) => s.mb));
    const firstHalfPeak = Math.max(...samples.filter((s) => s.at < halfTime).map((s) => s.mb));
    const secondHalfPeak = Math.max(...samples.filter((s) => s.at >= halfTime).map((s) => s.mb));
    const [first, end] = [samples[0].mb, samples.at(-1)!.mb];
    options.log(`scorer RSS over ${longRun} questions: start ${first.toFixed(0)} MB, half ${half.toFixed(0)} MB, end ${end.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
    return [
      { section: `scorer RSS, ${longRun} questions`, case: 'peak', measured: `${peak.toFixed(0)} MB (start ${first.toFixed(0)} MB, end ${end.toFixed(0)} MB)`, against: 'goal 200 MB', ratio: peak / 200, goal: '<= 1', met: peak <= 200 },
      { section: `scorer RSS, ${longRun} questions`, case: 'growth: second half peak / first half peak', measured: `${secondHalfPeak.toFixed(0)} MB / ${firstHalfPeak.toFixed(0)} MB (one sample at half-time: ${half.toFixed(0)} MB)`, against: 'flat', ratio: secondHalfPeak / firstHalfPeak, goal: '<= 1.05', met: secondHalfPeak / firstHalfPeak <= 1.05 },
    ];
  } finally {
    await stack.stop();
  }
}
