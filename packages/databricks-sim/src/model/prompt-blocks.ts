/** Reads the fenced JSON blocks of the planner prompt contract (docs/architecture.md). */
export function fencedJson(text: string, label: string): unknown {
  const m = new RegExp('```json\\s+' + label + '\\s*\\n([\\s\\S]*?)\\n```').exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]);
  } catch {
    return undefined;
  }
}
