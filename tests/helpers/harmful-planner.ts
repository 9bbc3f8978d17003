import type { ChatModel } from '@genie-enhancer/shared';

// a global exclusion rule that the simulated Genie obeys: every question counting customers that neither groups by
// nor filters on the segment loses the Corporate segment, so questions that pass at the baseline (customers per tier,
// Gold customers, sign-ups in a year) now fail
export const HARMFUL = { kind: 'text_instruction', content: "Exclude rows where main.retail.customers.seg = 'Corporate'.", rationale: 'injected by the test' };

/** The simulator's planner, with one harmful fix slipped into its first answer. */
export function plannerWithOneHarmfulFix() {
  let calls = 0;
  return (model: ChatModel): ChatModel => ({
    ...model,
    async complete(request) {
      const response = await model.complete(request);
      if (++calls > 1) return response;
      const answer = JSON.parse(response.content) as { fixes: unknown[] };
      return { ...response, content: JSON.stringify({ ...answer, fixes: [...answer.fixes, HARMFUL] }) };
    },
  });
}
