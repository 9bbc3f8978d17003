import { createTwoFilesPatch } from 'diff';
import { canonicalSpace } from './rollback.stage.ts';

const pretty = (serialized: string) => `${JSON.stringify(JSON.parse(canonicalSpace(serialized)), null, 2)}\n`;

/** A unified diff of two serialized_space values, keys sorted and pretty-printed, for people to read. */
export function spaceDiff(before: string, after: string, labels: [string, string] = ['before', 'after']): string {
  return createTwoFilesPatch(labels[0], labels[1], pretty(before), pretty(after), undefined, undefined, { context: 2 });
}

/** What changed between two configurations, one short line per changed section (e.g. "instructions.text_instructions: 2 → 3 items"). */
export function describeSpaceChange(before: string, after: string): string[] {
  const a = JSON.parse(canonicalSpace(before)) as Record<string, Record<string, unknown>>;
  const b = JSON.parse(canonicalSpace(after)) as Record<string, Record<string, unknown>>;
  const lines: string[] = [];
  for (const section of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const left = a[section];
    const right = b[section];
    if (JSON.stringify(left) === JSON.stringify(right)) continue;
    if (!left || !right || typeof left !== 'object' || typeof right !== 'object' || Array.isArray(left)) {
      lines.push(`${section}: changed`);
      continue;
    }
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      const x = left[key];
      const y = right[key];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      lines.push(Array.isArray(x) || Array.isArray(y) ? `${section}.${key}: ${Array.isArray(x) ? x.length : 0} → ${Array.isArray(y) ? y.length : 0} items` : `${section}.${key}: changed`);
    }
  }
  return lines.length ? lines : ['no difference'];
}
