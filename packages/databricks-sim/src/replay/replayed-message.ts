import { randomUUID } from 'node:crypto';
import type { SqlEngine } from '../catalog.types.ts';
import { statementResponse } from '../http/statement-response.ts';
import { engineResult } from './replay-engine.ts';
import type { RecordedAnswer, Replay } from './replay.ts';

/**
 * A Genie message's terminal state from a recorded answer: its status, SQL, text and error as recorded. The query
 * result (query-result route) is the recorded result of that SQL, else what DuckDB makes of it, else none.
 */
export async function replayedMessage(answer: RecordedAnswer, replay: Replay, engine: SqlEngine): Promise<{ final: Record<string, unknown>; statement?: ReturnType<typeof statementResponse> }> {
  const attachments: Record<string, unknown>[] = [];
  let statement: ReturnType<typeof statementResponse> | undefined;
  if (answer.sql !== undefined) {
    const statement_id = randomUUID();
    const recorded = replay.peekStatement(answer.sql)?.result;
    const result = recorded ? engineResult(recorded) : await engine.execute(answer.sql).catch(() => undefined);
    if (result) statement = statementResponse(result, statement_id);
    const metadata = statement ? { query_result_metadata: { row_count: statement.manifest.total_row_count, is_truncated: false } } : {};
    attachments.push({ attachment_id: randomUUID().replace(/-/g, ''), query: { query: answer.sql, description: '', title: '', statement_id, ...metadata } });
  }
  if (answer.text !== undefined) attachments.push({ attachment_id: randomUUID().replace(/-/g, ''), text: { content: answer.text } });
  const error = answer.error !== undefined || answer.error_type !== undefined ? { error: { error: answer.error, type: answer.error_type } } : {};
  return { final: { status: answer.status, attachments, ...error }, ...(statement ? { statement } : {}) };
}
