import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchmarkFromSpace, BenchmarkFile, DatabricksApiError, InputError, parseSerializedSpace, UnsafeSqlError, type BenchmarkQuestion, type GenieSpaces, type RunRequest } from '@genie-enhancer/shared';

/** A run input the workspace or the files contradict: answered 400 with the field it came from. */
export class BenchmarkSourceError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Fails with a 400 naming space_id when the workspace does not know the space (checked when a workspace is configured). */
export async function assertSpaceExists(spaceId: string, spaces?: () => Promise<GenieSpaces>): Promise<void> {
  if (!spaces) return;
  const client = await spaces().catch(() => undefined);
  if (!client) return; // no workspace configured: the workers will report it
  try {
    await client.get(spaceId);
  } catch (error) {
    if (error instanceof DatabricksApiError && (error.status === 404 || error.status === 403)) {
      throw new BenchmarkSourceError('space_id', `the workspace has no Genie space "${spaceId}" you can read (${error.status})`);
    }
    throw error;
  }
}

/** The questions of a run: inline, a file under benchmarks/, or the space's own benchmarks section. */
export async function resolveBenchmark(
  body: RunRequest,
  options: { benchmarksDir: string; spaces?: () => Promise<GenieSpaces> },
): Promise<{ questions: BenchmarkQuestion[]; source: string }> {
  if (body.questions) return { questions: body.questions, source: 'inline' };
  if (body.benchmark_name) {
    const file = join(options.benchmarksDir, `${body.benchmark_name}.json`);
    const text = await readFile(file, 'utf8').catch(() => {
      throw new BenchmarkSourceError('benchmark_name', `no benchmark named "${body.benchmark_name}" under benchmarks/`);
    });
    const parsed = BenchmarkFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new BenchmarkSourceError('benchmark_name', `benchmarks/${body.benchmark_name}.json is not a valid benchmark file`);
    return { questions: parsed.data.questions, source: `file:${body.benchmark_name}` };
  }
  const noWorkspace = 'this API has no workspace connection (set DATABRICKS_HOST and DATABRICKS_TOKEN)';
  if (!options.spaces) throw new BenchmarkSourceError('space_benchmarks', noWorkspace);
  const spaces = await options.spaces().catch((error: unknown) => {
    throw error instanceof InputError ? new BenchmarkSourceError('space_benchmarks', `${noWorkspace}: ${error.message}`) : error;
  });
  const space = await spaces.get(body.space_id);
  const questions = fromSpaceOrInputError(space.serialized_space);
  if (questions.length === 0) throw new BenchmarkSourceError('space_benchmarks', 'the space has no benchmark question with a SQL answer');
  return { questions, source: 'space' };
}

function fromSpaceOrInputError(serializedSpace: string): BenchmarkQuestion[] {
  try {
    return benchmarkFromSpace(parseSerializedSpace(serializedSpace));
  } catch (error) {
    if (error instanceof UnsafeSqlError) throw new BenchmarkSourceError('space_benchmarks', `the space's ${error.message}`);
    throw error;
  }
}
