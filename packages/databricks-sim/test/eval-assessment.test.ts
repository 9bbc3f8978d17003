import { describe, expect, it } from 'vitest';
import { assess } from '../src/genie/eval-assessment.ts';

describe("the simulated evaluation's judge", () => {
  const expected = [['EMEA', '10.5'], ['AMER', '3']];
  it('GOOD whatever the column order, names or number spelling', () => {
    expect(assess(expected, 2, { rows: [['3.0', 'AMER'], ['10.50', 'EMEA']], width: 2 })).toEqual({ assessment: 'GOOD', reasons: [] });
  });
  it('NEEDS_REVIEW for extra columns holding the expected ones', () => {
    expect(assess(expected, 2, { rows: [['EMEA', '10.5', 'x'], ['AMER', '3', 'y']], width: 3 })).toEqual({ assessment: 'NEEDS_REVIEW', reasons: ['RESULT_EXTRA_COLUMNS'] });
  });
  it('BAD with the documented reasons', () => {
    expect(assess(expected, 2, { rows: [], width: 2 }).reasons).toEqual(['EMPTY_RESULT']);
    expect(assess(expected, 2, { rows: [['EMEA', '10.5']], width: 2 }).reasons).toEqual(['RESULT_MISSING_ROWS']);
    expect(assess(expected, 2, { rows: [...expected, ['APAC', '1']], width: 2 }).reasons).toEqual(['RESULT_EXTRA_ROWS']);
    expect(assess(expected, 2, { rows: [['EMEA'], ['AMER']], width: 1 }).reasons).toEqual(['RESULT_MISSING_COLUMNS']);
    expect(assess(expected, 2, { rows: [['EMEA', '10.5'], ['AMER', '4']], width: 2 }).reasons).toEqual(['SINGLE_CELL_DIFFERENCE']);
    expect(assess(expected, 2, undefined)).toEqual({ assessment: 'BAD', reasons: ['NO_SQL_RESPONSE'] });
    expect(assess(expected, 2, { error: 'boom' })).toEqual({ assessment: 'BAD', reasons: ['QUERY_EXECUTION_ERROR'] });
  });
});
