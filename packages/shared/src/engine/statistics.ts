/**
 * Exact one-sided sign test: the probability of at least `wins` successes among `wins + losses` discordant
 * pairs when either direction is equally likely (no real effect). Ties are not pairs and do not count.
 */
export function signTestPValue(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0 || wins === 0) return 1;
  let coefficient = 1;
  let tail = 0;
  for (let k = 0; k <= n; k++) {
    if (k >= wins) tail += coefficient;
    coefficient = (coefficient * (n - k)) / (k + 1);
  }
  return Math.min(1, tail / 2 ** n);
}

/** 95 % Wilson score interval of a proportion; [0, 0] for no observations. */
export function wilsonInterval(successes: number, trials: number): [number, number] {
  if (trials === 0) return [0, 0];
  const z = 1.959963984540054;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One question's answers before and after a change: how many passed, of how many asked. */
export interface PairedCounts {
  passedBefore: number;
  askedBefore: number;
  passedAfter: number;
  askedAfter: number;
}

const choose = (n: number, k: number): number => {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
};

/**
 * Exact test of a change, stratified by question (the exact conditional form of the Cochran–Mantel–Haenszel test).
 * Given each question's total passes, under "no effect" its passes after the change are hypergeometric; the sum
 * over questions is their convolution. Returns the one-sided mid-p values for more and for fewer passes after.
 * With one answer before and one after, only discordant questions carry weight and this is the sign test.
 */
export function stratifiedExactTest(questions: readonly PairedCounts[]): { pUp: number; pDown: number } {
  let distribution = [1];
  let observed = 0;
  let informative = 0;
  for (const q of questions) {
    const total = q.passedBefore + q.passedAfter;
    const asked = q.askedBefore + q.askedAfter;
    if (total === 0 || total === asked) continue;
    const low = Math.max(0, total - q.askedBefore);
    const high = Math.min(q.askedAfter, total);
    const pmf = Array.from({ length: high - low + 1 }, (_, i) => (choose(q.askedAfter, low + i) * choose(q.askedBefore, total - low - i)) / choose(asked, total));
    const next = new Array<number>(distribution.length + pmf.length - 1).fill(0);
    distribution.forEach((p, s) => pmf.forEach((r, i) => (next[s + i] += p * r)));
    distribution = next;
    observed += q.passedAfter - low;
    informative++;
  }
  if (informative === 0) return { pUp: 1, pDown: 1 };
  // mid-p: the observed value counts half. Exact tests of discrete statistics are conservative; the mid-p keeps
  // the size close to alpha (Lancaster 1961; Agresti, Categorical Data Analysis, 1.4.5).
  const tail = (from: number, to: number) => distribution.slice(Math.max(0, from), to + 1).reduce((a, b) => a + b, 0);
  const atObserved = distribution[observed] ?? 0;
  return {
    pUp: Math.min(1, tail(observed + 1, distribution.length - 1) + atObserved / 2),
    pDown: Math.min(1, tail(0, observed - 1) + atObserved / 2),
  };
}
