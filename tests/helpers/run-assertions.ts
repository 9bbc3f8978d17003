import { expect } from 'vitest';

/** Every scoring pass holds exactly one result per benchmark question, none lost to a failed job. */
export function expectOneResultPerQuestionPerLoop(questions: { loops: { loop: number; results: { question_id: string; reason_code: string }[] }[] }, ids: string[]) {
  for (const loop of questions.loops) {
    expect(loop.results.map((r) => r.question_id).sort(), `loop ${loop.loop}`).toEqual([...ids].sort());
    expect(loop.results.filter((r) => r.reason_code === 'INTERNAL_ERROR'), `loop ${loop.loop}`).toEqual([]);
  }
}
