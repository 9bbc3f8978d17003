import { mergeFixes, parseSerializedSpace, spaceDiff, type InlineRunResult, type GenieSpaces } from '@genie-enhancer/shared';

/** What a dry run would have done: each proposed fix, and the change to serialized_space they would make. */
export async function dryRunReport(conn: { spaces: GenieSpaces }, run: InlineRunResult): Promise<string> {
  const proposed = run.state.loops.find((l) => l.plan)?.plan?.proposed ?? [];
  if (proposed.length === 0) return 'dry run: no fix to propose\n';
  const before = (await conn.spaces.get(run.state.config.space_id)).serialized_space;
  const merged = mergeFixes(parseSerializedSpace(before), proposed);
  const lines = proposed.map((f, i) => `  ${i + 1}. [${f.kind}] ${f.rationale}`);
  const diff = spaceDiff(before, JSON.stringify(merged.space), ['space now', 'space with the fixes']);
  return `dry run: nothing was written. ${proposed.length} fixes proposed:\n${lines.join('\n')}\n${diff}`;
}

/** One line on what became of the space, and what the user can do next. */
export function nextSteps(run: InlineRunResult, file: string): string {
  const id = run.state.run_id;
  switch (run.status) {
    case 'awaiting_review':
      return `run ${id} awaits review: the changes are on staging space ${run.state.work_space_id}, space ${run.state.config.space_id} is untouched.\n` +
        `${run.state.promotion_error ? `promotion refused: ${run.state.promotion_error}\n` : ''}` +
        `  genie-enhance promote ${id}    write them to the space\n  genie-enhance discard ${id}    drop the staging copy\n(run saved to ${file})\n`;
    case 'promoted':
      if (run.state.restored_loop !== undefined) return `run ${id}: space ${run.state.config.space_id} holds loop ${run.state.restored_loop}'s configuration again.\n`;
      return `run ${id}: the best kept configuration was written to space ${run.state.config.space_id}; the staging copy is trashed.\n`;
    default:
      if (run.state.restored_loop !== undefined) return `run ${id}: space ${run.state.config.space_id} holds loop ${run.state.restored_loop}'s configuration again (verified).\n`;
      return `run ${id} ${run.status}${run.state.config.in_place ? ' (changed in place)' : ''} (run saved to ${file})\n`;
  }
}
