import { describe, expect, it } from 'vitest';
import { judgeLoop, passRecord, signTestPValue, stratifiedExactTest, wilsonInterval, type QuestionOutcome } from '../src/engine/index.ts';
import { RunConfig } from '../src/schemas/index.ts';

const config = RunConfig.parse({ space_id: 's', warehouse_id: 'w', repeats: 3 });

/** mulberry32: a small seeded generator, so every seed replays the same answers. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One pass of 20 questions, 3 answers each, as the simulator's noisy Genie gives them: a question Genie can answer
 * passes unless the answer draws a wrong alternative reading (probability `noise`); one it cannot never passes.
 */
function noisyPass(pass: number, answerable: (i: number) => boolean, noise: number, random: () => number): QuestionOutcome[] {
  return Array.from({ length: 20 }, (_, i) => {
    const repeats = Array.from({ length: 3 }, () => answerable(i) && random() >= noise);
    const passes = repeats.filter(Boolean).length;
    return { question_id: `q${i}`, verdict: passes === 3 ? 'pass' : 'fail', reason_code: passes === 3 ? 'MATCH' : 'VALUE_DIFFERENCE', passes, repeats };
  });
}

const holdout = ['q17', 'q18', 'q19'];
const judge = (before: QuestionOutcome[], after: QuestionOutcome[]) => judgeLoop(config, passRecord(0, before, holdout), passRecord(1, after, holdout), holdout);

describe('the gate with repeats under Genie noise (p = 0.1, 3 repeats, 20 questions)', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const knownBefore = (i: number) => i < 12;

  it('rejects a change that only moves noise, for each of 20 seeds', () => {
    const accepted = seeds.filter((seed) => {
      const random = rng(seed);
      return judge(noisyPass(0, knownBefore, 0.1, random), noisyPass(1, knownBefore, 0.1, random)).accepted;
    });
    expect(accepted).toEqual([]);
  });

  it('accepts a change that fixes 3 of the 20 questions in at least 18 of 20 seeds', () => {
    const fixedToo = (i: number) => i < 15;
    const accepted = seeds.filter((seed) => {
      const random = rng(seed);
      const r = judge(noisyPass(0, knownBefore, 0.1, random), noisyPass(1, fixedToo, 0.1, random));
      return r.accepted;
    });
    expect(accepted.length).toBeGreaterThanOrEqual(18);
  });

  it('names the sign test when the train gain is within noise', () => {
    const random = rng(99);
    const result = judge(noisyPass(0, knownBefore, 0.1, random), noisyPass(1, (i) => i < 12 || i === 12, 0.1, random));
    if (!result.accepted) expect(result.reasons.join(' ')).toMatch(/exact test p = |no train question was fixed/);
    expect(result.p_improved).toBeGreaterThan(0);
  });
});

describe('statistics', () => {
  it('computes the exact one-sided sign test', () => {
    expect(signTestPValue(3, 0)).toBeCloseTo(0.125);
    expect(signTestPValue(5, 0)).toBeCloseTo(1 / 32);
    expect(signTestPValue(8, 2)).toBeCloseTo(56 / 1024);
    expect(signTestPValue(0, 4)).toBe(1);
    expect(signTestPValue(0, 0)).toBe(1);
  });

  it('stratified by question, is the exact sign test with one answer each, and weighs repeats per question', () => {
    const flip = (before: number, after: number) => ({ passedBefore: before, askedBefore: 1, passedAfter: after, askedAfter: 1 });
    const single = stratifiedExactTest([flip(0, 1), flip(0, 1), flip(0, 1), flip(1, 1), flip(0, 0), flip(1, 0)]);
    // mid-p of the sign test: P(X > 3) + P(X = 3) / 2 with X ~ Binomial(4, 1/2)
    expect(single.pUp).toBeCloseTo(signTestPValue(4, 0) + (signTestPValue(3, 1) - signTestPValue(4, 0)) / 2);
    expect(single.pUp + single.pDown).toBeCloseTo(1);
    expect(stratifiedExactTest([flip(0, 1)]).pUp).toBe(0.25);
    const threeFixed = Array.from({ length: 3 }, () => ({ passedBefore: 0, askedBefore: 3, passedAfter: 3, askedAfter: 3 }));
    expect(stratifiedExactTest(threeFixed).pUp).toBeCloseTo((1 / 20) ** 3 / 2);
    expect(stratifiedExactTest([]).pUp).toBe(1);
  });

  it('gives a Wilson interval that contains the rate and stays within [0, 1]', () => {
    const [lo, hi] = wilsonInterval(45, 60);
    expect(lo).toBeLessThan(0.75);
    expect(hi).toBeGreaterThan(0.75);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilsonInterval(10, 10)[0]).toBeCloseTo(0.7225, 3);
  });
});
