import OpenAI from 'openai';
import { DatabricksApiError, RateLimitedError, TimeoutError } from '../errors/index.ts';
import type { ChatModel, ChatRequest } from '../stages/ports.ts';
import type { DatabricksAuth } from './databricks-auth.ts';

/** `token` (a PAT) or `auth` (any SDK credential; its token is fetched before each request, so OAuth refreshes) */
export interface ChatModelClientOptions { host: string; token?: string; auth?: DatabricksAuth; endpoint: string; timeoutMs?: number; maxRetries?: number }

/** The chat messages a request becomes: system, user, then the earlier turns. */
export const chatMessages = (request: ChatRequest): { role: 'system' | 'user' | 'assistant'; content: string }[] => [
  { role: 'system', content: request.system },
  { role: 'user', content: request.user },
  ...(request.history ?? []),
];

/** The planner's LLM: a Databricks serving endpoint through the openai package (`<host>/serving-endpoints`). */
export function createChatModelClient(options: ChatModelClientOptions): ChatModel {
  const client = new OpenAI({ apiKey: options.auth ? () => options.auth!.token() : options.token, baseURL: `${options.host.replace(/\/+$/, '')}/serving-endpoints`, timeout: options.timeoutMs ?? 120_000, maxRetries: options.maxRetries ?? 3 });
  return {
    async complete(request) {
      try {
        const response = await client.chat.completions.create({
          model: options.endpoint,
          messages: chatMessages(request),
          ...(request.jsonSchema ? { response_format: { type: 'json_schema' as const, json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true } } } : {}),
        });
        return {
          content: response.choices[0]?.message?.content ?? '',
          model: response.model,
          ...(response.usage ? { usage: { prompt_tokens: response.usage.prompt_tokens, completion_tokens: response.usage.completion_tokens } } : {}),
        };
      } catch (error) {
        if (error instanceof OpenAI.APIConnectionTimeoutError) throw new TimeoutError(`serving endpoint ${options.endpoint}`, options.timeoutMs ?? 120_000);
        if (error instanceof OpenAI.RateLimitError) throw new RateLimitedError(`serving endpoint ${options.endpoint}: ${error.message}`, undefined);
        if (error instanceof OpenAI.APIError) throw new DatabricksApiError(`serving endpoint ${options.endpoint}: ${error.message}`, error.status, undefined, { retryable: (error.status ?? 500) >= 500, cause: error });
        throw error;
      }
    },
  };
}
