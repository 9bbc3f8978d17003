import { describe, expect, it } from 'vitest';
import { validate } from '../src/stages/validate.stage.ts';
import { report } from './apply-fixtures.ts';

const base = { loop: 1, maxLoops: 3, targetScore: 0.9, fixesApplied: 2 };

describe('validate', () => {
  it('lists fixed and regressed questions', () => {
    const r = validate({ ...base, previous: report({ a: 'fail', b: 'pass', c: 'error' }), current: report({ a: 'pass', b: 'fail', c: 'pass' }) });
    expect(r.fixed).toEqual(['a', 'c']);
    expect(r.regressed).toEqual(['b']);
    expect(r.score_before).toBeCloseTo(1 / 3);
    expect(r.score_after).toBeCloseTo(2 / 3);
  });

  it('stops at the target even on the last loop and without fixes', () => {
    const r = validate({ ...base, loop: 3, fixesApplied: 0, previous: report({ a: 'fail', b: 'pass' }), current: report({ a: 'pass', b: 'pass' }) });
    expect(r.decision).toBe('target_reached');
  });

  it('stops at max loops before looking at progress', () => {
    expect(validate({ ...base, loop: 3, previous: report({ a: 'fail', b: 'fail' }), current: report({ a: 'pass', b: 'fail' }) }).decision).toBe('max_loops');
  });

  it('stops when no fix was applied', () => {
    expect(validate({ ...base, fixesApplied: 0, previous: report({ a: 'fail', b: 'fail' }), current: report({ a: 'pass', b: 'fail' }) }).decision).toBe('no_fixes');
  });

  it('stops when the score did not rise', () => {
    expect(validate({ ...base, previous: report({ a: 'pass', b: 'fail' }), current: report({ a: 'fail', b: 'pass' }) }).decision).toBe('no_progress');
    expect(validate({ ...base, previous: report({ a: 'pass', b: 'fail' }), current: report({ a: 'fail', b: 'fail' }) }).decision).toBe('no_progress');
  });

  it('continues when the score rose below the target', () => {
    expect(validate({ ...base, previous: report({ a: 'fail', b: 'fail', c: 'fail' }), current: report({ a: 'pass', b: 'fail', c: 'fail' }) }).decision).toBe('next_loop');
  });
});
