import { readFile } from 'node:fs/promises';
import { AnyBenchmark, AnyBenchmarkUnchecked, type BenchmarkQuestion } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';

/** `questions[3].expected_sql` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

/**
 * Reads a benchmark file in our format or the space's (its benchmark items, or a whole serialized_space); a leading
 * byte-order mark is fine. A bad file is a UsageError naming file and field.
 */
export async function readBenchmarkFile(file: string, options: { unchecked?: boolean } = {}): Promise<BenchmarkQuestion[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read the benchmark file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  // unchecked: repeated ids and unsafe SQL are left for `benchmarks check` to report per question
  const parsed = (options.unchecked ? AnyBenchmarkUnchecked : AnyBenchmark).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${file}: ${jsonPath(issue.path)}: ${issue.message}`);
  }
  return parsed.data;
}
