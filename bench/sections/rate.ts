import { busiestWindow, questions, seconds, type Row } from '../lib/measure.ts';
import { startSimProcess, type SimProcess } from '../lib/sim.ts';
import { startBenchStack, type BenchStack } from '../lib/stacks.ts';
import type { BenchOptions } from '../run.ts';

/**
 * A binding limit R with 1, 2 and 4 scorer processes, each deployment on its own workspace (simulator) so they run
 * side by side, each under its own limit. Counted at request arrival in the simulator: the achieved rate over the
 * ideal (N = 2R needs exactly one window of waiting: the ideal span from the first to the last start is one window)
 * and the busiest window, which must never exceed R. The limiter's safety margin (default 250 ms) is part of the
 * ideal's shortfall: at most W / (W + margin) of R is reachable.
 */
export async function rateSection(options: BenchOptions): Promise<Row[]> {
  const windowMs = options.quick ? 3_000 : 60_000;
  const perWindow = options.quick ? 4 : 30;
  // Genie's latency does not bound a rate-limited run; a short one keeps the second window's starts close together
  const latencyMs = options.quick ? 300 : 100;
  const scorerCounts = options.quick ? [1, 2] : [1, 2, 4];
  const n = 2 * perWindow;
  const sims: SimProcess[] = [];
  const stacks: BenchStack[] = [];
  const rows: Row[] = [];
  try {
    // the simulator enforces the real minute limit only at R per minute (quick mode shortens the window)
    // started side by side; each is kept as soon as it is up, so a failure still stops the others
    await Promise.all(scorerCounts.map(async (scorers, i) => {
      sims[i] = await startSimProcess({ latencyMs, qpm: options.quick ? 0 : perWindow });
      stacks[i] = await startBenchStack(`rate-${scorers}`, sims[i], scorers, {
        GENIE_QUESTIONS_PER_MINUTE: String(perWindow), GENIE_RATE_WINDOW_MS: String(windowMs), GENIE_MAX_IN_FLIGHT: '30',
        // 20 job slots in all, the run's genie_concurrency; the default safety margin
        WORKER_CONCURRENCY: String(Math.ceil(20 / scorers)),
      });
    }));
    options.log(`rate: ${n} questions at ${perWindow} per ${seconds(windowMs)} on ${scorerCounts.join(', ')} scorer(s), side by side`);
    await Promise.all(stacks.map((s) => s.scorePass(questions(n), 20)));
    for (const [i, scorers] of scorerCounts.entries()) {
      const asked = await sims[i].questions();
      const accepted = asked.filter((q) => q.status === 200).map((q) => q.at);
      const refused = asked.filter((q) => q.status === 429).length;
      const span = Math.max(...accepted) - Math.min(...accepted);
      const idealSpan = (Math.ceil(n / perWindow) - 1) * windowMs;
      const busiest = busiestWindow(accepted, windowMs);
      rows.push({ section: `binding R = ${perWindow} per ${seconds(windowMs)}`, case: `${scorers} scorer(s), N = ${n}: achieved rate / R`, measured: `span ${seconds(span)}, ${refused} x 429`, against: `ideal span ${seconds(idealSpan)}`, ratio: idealSpan / span, goal: '>= 0.95', met: idealSpan / span >= 0.95 });
      rows.push({ section: `binding R = ${perWindow} per ${seconds(windowMs)}`, case: `${scorers} scorer(s): busiest window at arrival`, measured: `${busiest} questions`, against: `R = ${perWindow}`, ratio: busiest / perWindow, goal: '<= 1', met: busiest <= perWindow });
    }
  } finally {
    await Promise.all(stacks.filter(Boolean).map((s) => s.stop()));
    await Promise.all(sims.filter(Boolean).map((s) => s.close()));
  }
  return rows;
}
