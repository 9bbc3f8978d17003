import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SqlEngine } from '../catalog.types.ts';
import { simulatedCompletion, type ChatMessage } from '../model/planner-model.ts';
import type { Replay } from '../replay/replay.ts';
import { sendError } from './errors.ts';

/** OpenAI-compatible serving endpoint backed by the simulated planner model. */
export function registerServingRoutes(app: FastifyInstance, engine: SqlEngine, endpoints?: readonly string[], replay?: Replay): void {
  const exists = (name: string) => endpoints === undefined || endpoints.includes(name);
  // GET /api/2.0/serving-endpoints/{name}, as far as a readiness check reads it
  app.get<{ Params: { name: string } }>('/api/2.0/serving-endpoints/:name', async (request, reply) => {
    const { name } = request.params;
    if (!exists(name)) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    return { name, state: { ready: 'READY', config_update: 'NOT_UPDATING' }, task: 'llm/v1/chat', endpoint_type: 'FOUNDATION_MODEL_API' };
  });
  const complete = async (endpoint: string, body: { messages?: ChatMessage[] }) => {
    const messages = body.messages ?? [];
    // a recorded run's completion of the same messages comes first
    const recorded = replay?.completion(messages.map((m) => ({ role: String(m.role), content: String(m.content) })));
    const answer = recorded ?? simulatedCompletion(messages, await engine.catalog(), endpoint);
    const prompt = messages.reduce((n, m) => n + String(m.content).length, 0);
    return {
      id: `chatcmpl-${randomUUID()}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: answer.model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer.content } }],
      usage: recorded?.usage
        ? { ...recorded.usage, total_tokens: recorded.usage.prompt_tokens + recorded.usage.completion_tokens }
        : { prompt_tokens: Math.ceil(prompt / 4), completion_tokens: Math.ceil(answer.content.length / 4), total_tokens: Math.ceil((prompt + answer.content.length) / 4) },
    };
  };
  app.post<{ Body: { model?: string; messages?: ChatMessage[] } }>('/serving-endpoints/chat/completions', async (request, reply) => {
    if (!Array.isArray(request.body?.messages)) return sendError(reply, 400, 'BAD_REQUEST', 'messages is required');
    const name = request.body.model ?? 'endpoint';
    if (!exists(name)) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    return complete(name, request.body);
  });
  app.post<{ Params: { name: string }; Body: { messages?: ChatMessage[] } }>('/serving-endpoints/:name/invocations', async (request, reply) => {
    if (!Array.isArray(request.body?.messages)) return sendError(reply, 400, 'BAD_REQUEST', 'messages is required');
    return complete(request.params.name, request.body);
  });
}
