import { diffWordsWithSpace, structuredPatch } from 'diff';

/** Two SQL texts side by side, the words only one of them has highlighted. */
export function SqlSideBySide({ left, right, leftTitle, rightTitle }: { left: string; right: string; leftTitle: string; rightTitle: string }) {
  // whitespace counts as words, so each side reads back exactly as written
  const parts = diffWordsWithSpace(left, right);
  return (
    <div class="sql-diff" data-testid="sql-diff">
      <div>
        <h4>{leftTitle}</h4>
        <pre>{left ? parts.filter((p) => !p.added).map((p) => (p.removed ? <del>{p.value}</del> : p.value)) : <span class="muted">(no SQL)</span>}</pre>
      </div>
      <div>
        <h4>{rightTitle}</h4>
        <pre>{parts.filter((p) => !p.removed).map((p) => (p.added ? <ins>{p.value}</ins> : p.value))}</pre>
      </div>
    </div>
  );
}

/** JSON laid out one field a line, so a diff shows which field changed. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A unified diff of two serialized_space texts (3 lines of context). */
export function SpaceDiff({ before, after }: { before: string; after: string }) {
  const patch = structuredPatch('before', 'after', pretty(before), pretty(after), '', '', { context: 3 });
  if (patch.hunks.length === 0) return <p class="muted">No difference.</p>;
  return (
    <pre class="unified-diff" data-testid="space-diff">
      {patch.hunks.map((hunk) => (
        <>
          <span class="hunk">{`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@\n`}</span>
          {hunk.lines.map((line) => <span class={line[0] === '+' ? 'add' : line[0] === '-' ? 'del' : 'ctx'}>{`${line}\n`}</span>)}
        </>
      ))}
    </pre>
  );
}
