import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parseSerializedSpace } from '@genie-enhancer/shared';
import { SimSqlError, type SqlEngine } from '../catalog.types.ts';
import { answerQuestion } from '../genie/genie-engine.ts';
import type { GenieNoise } from '../genie/noise.ts';
import type { Replay } from '../replay/replay.ts';
import { replayedMessage } from '../replay/replayed-message.ts';
import { sendError } from './errors.ts';
import type { QuestionRateLimit } from './rate-limit.ts';
import { statementResponse } from './statement-response.ts';
import type { SpaceStore } from './space-routes.ts';

interface StoredMessage {
  message_id: string;
  conversation_id: string;
  space_id: string;
  content: string;
  created: number;
  final: Record<string, unknown>;
  statement?: ReturnType<typeof statementResponse>;
}

const PROGRESS = ['SUBMITTED', 'FETCHING_METADATA', 'FILTERING_CONTEXT', 'ASKING_AI', 'EXECUTING_QUERY'] as const;

/** Genie Conversation API: messages move through the real statuses over `latencyMs`, then hold their answer. */
export function registerGenieRoutes(app: FastifyInstance, deps: { engine: SqlEngine; spaces: SpaceStore; limit: QuestionRateLimit; latencyMs: number; inject429?: () => boolean; noise?: GenieNoise; replay?: Replay }): void {
  const messages = new Map<string, StoredMessage>();
  const conversations = new Map<string, { space_id: string; messages: string[] }>();

  const view = (m: StoredMessage) => {
    const elapsed = Date.now() - m.created;
    const done = elapsed >= deps.latencyMs;
    const status = done ? m.final.status : PROGRESS[Math.min(PROGRESS.length - 1, Math.floor((elapsed / deps.latencyMs) * PROGRESS.length))];
    return {
      message_id: m.message_id, id: m.message_id, conversation_id: m.conversation_id, space_id: m.space_id, content: m.content,
      status, created_timestamp: m.created, last_updated_timestamp: Date.now(), user_id: 1,
      ...(done ? { attachments: m.final.attachments, ...(m.final.error ? { error: m.final.error } : {}) } : {}),
    };
  };

  async function ask(spaceId: string, conversationId: string, content: string): Promise<StoredMessage> {
    const space = deps.spaces.get(spaceId)!;
    // a recorded run's answer to this question on this configuration comes first
    const recorded = deps.replay?.genieAnswer(space.serialized_space, content);
    if (recorded) return store({ message_id: randomUUID().replace(/-/g, ''), conversation_id: conversationId, space_id: spaceId, content, created: Date.now(), ...(await replayedMessage(recorded, deps.replay!, deps.engine)) });
    const catalog = await deps.engine.catalog();
    const answer = answerQuestion(parseSerializedSpace(space.serialized_space), catalog, content);
    const reply = deps.noise ? deps.noise.apply(spaceId, content, answer, catalog) : answer;
    const message: StoredMessage = { message_id: randomUUID().replace(/-/g, ''), conversation_id: conversationId, space_id: spaceId, content, created: Date.now(), final: {} };
    const attachment_id = randomUUID().replace(/-/g, '');
    if (reply.kind === 'text') {
      message.final = { status: 'COMPLETED', attachments: [{ attachment_id, text: { content: reply.text } }] };
    } else {
      const query = { query: reply.sql, description: reply.description, title: reply.description, statement_id: randomUUID() };
      try {
        message.statement = statementResponse(await deps.engine.execute(reply.sql), query.statement_id);
        message.final = { status: 'COMPLETED', attachments: [{ attachment_id, query: { ...query, query_result_metadata: { row_count: message.statement.manifest.total_row_count, is_truncated: false } } }] };
      } catch (error) {
        if (!(error instanceof SimSqlError)) throw error;
        message.final = { status: 'FAILED', error: { error: error.message, type: 'SQL_EXECUTION_EXCEPTION' }, attachments: [{ attachment_id, query }] };
      }
    }
    return store(message);
  }

  function store(message: StoredMessage): StoredMessage {
    messages.set(message.message_id, message);
    conversations.get(message.conversation_id)!.messages.push(message.message_id);
    return message;
  }

  const limited = (reply: Parameters<typeof sendError>[0]) => {
    if (deps.inject429?.()) return sendError(reply.header('Retry-After', '1'), 429, 'RESOURCE_EXHAUSTED', 'Injected fault: too many requests.');
    const taken = deps.limit.take();
    if (!taken.ok) return sendError(reply.header('Retry-After', String(taken.retryAfterS)), 429, 'RESOURCE_EXHAUSTED', 'Genie question rate limit exceeded for this workspace.');
    return undefined;
  };
  // a trashed or unknown space answers 404 on every conversation route, whatever conversation it names
  const spaceGone = (id: string, reply: Parameters<typeof sendError>[0]) =>
    deps.spaces.get(id) ? undefined : sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Space ${id} does not exist.`);
  const contentOf = (body: unknown) => (typeof (body as { content?: unknown })?.content === 'string' ? (body as { content: string }).content.trim() : '');

  app.post<{ Params: { id: string } }>('/api/2.0/genie/spaces/:id/start-conversation', async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    const content = contentOf(request.body);
    if (!content) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'content is required');
    const refused = limited(reply);
    if (refused) return refused;
    const conversation_id = randomUUID().replace(/-/g, '');
    conversations.set(conversation_id, { space_id: request.params.id, messages: [] });
    const message = await ask(request.params.id, conversation_id, content);
    return { conversation_id, message_id: message.message_id, conversation: { id: conversation_id, conversation_id, space_id: request.params.id, title: content }, message: view(message) };
  });

  app.post<{ Params: { id: string; cid: string } }>('/api/2.0/genie/spaces/:id/conversations/:cid/messages', async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    if (conversations.get(request.params.cid)?.space_id !== request.params.id) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', 'Conversation not found.');
    const content = contentOf(request.body);
    if (!content) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'content is required');
    const refused = limited(reply);
    if (refused) return refused;
    return view(await ask(request.params.id, request.params.cid, content));
  });

  app.get<{ Params: { id: string; cid: string } }>('/api/2.0/genie/spaces/:id/conversations/:cid/messages', async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    const conversation = conversations.get(request.params.cid);
    if (conversation?.space_id !== request.params.id) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', 'Conversation not found.');
    return { messages: conversation.messages.map((id) => view(messages.get(id)!)) };
  });

  app.get<{ Params: { id: string; cid: string; mid: string } }>('/api/2.0/genie/spaces/:id/conversations/:cid/messages/:mid', async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    const message = messages.get(request.params.mid);
    if (!message || message.conversation_id !== request.params.cid || message.space_id !== request.params.id) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', 'Message not found.');
    return view(message);
  });

  app.get<{ Params: { id: string; cid: string; mid: string; aid: string } }>('/api/2.0/genie/spaces/:id/conversations/:cid/messages/:mid/attachments/:aid/query-result', async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    const message = messages.get(request.params.mid);
    if (!message?.statement || Date.now() - message.created < deps.latencyMs) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', 'No query result for this attachment.');
    return { statement_response: message.statement };
  });
}
