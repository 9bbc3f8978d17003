import { QuestionTimeoutError, RateLimitedError } from '../errors/index.ts';
import { sleep } from '../util/retry.ts';
import type { AskOptions, GenieAnswer, GenieConversations } from '../stages/ports.ts';
import type { RestClient } from './rest-client.ts';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay, TypicalLatency, type PollSchedule } from './genie-poll-schedule.ts';

interface Message {
  message_id: string;
  conversation_id: string;
  status: string;
  attachments?: { attachment_id: string; query?: { query?: string }; text?: { content?: string } }[];
  error?: { error?: string; type?: string };
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'QUERY_RESULT_EXPIRED']);

export interface GenieConversationsClient extends GenieConversations {
  followUp(spaceId: string, conversationId: string, question: string, options?: AskOptions): Promise<GenieAnswer>;
}

/** Genie Conversation API: start a conversation, poll (short polls early, then backing off) until a terminal status. */
export function createGenieConversationsClient(
  rest: RestClient,
  /** pollIntervalMs (tests): the first and the longest wait */
  options: { poll?: Partial<PollSchedule>; pollIntervalMs?: { initial: number; max: number } } = {},
): GenieConversationsClient {
  const short = options.pollIntervalMs ? { initialMs: options.pollIntervalMs.initial, maxMs: options.pollIntervalMs.max, nearTypicalMs: Math.min(DEFAULT_POLL_SCHEDULE.nearTypicalMs, options.pollIntervalMs.initial) } : {};
  const poll: PollSchedule = { ...DEFAULT_POLL_SCHEDULE, ...short, ...options.poll };
  // when answers of this workspace usually arrive, learned from the completed ones
  const typical = new TypicalLatency();
  const base = (spaceId: string) => `/api/2.0/genie/spaces/${encodeURIComponent(spaceId)}`;

  async function waitFor(spaceId: string, first: Message, deadline: number, opts: AskOptions): Promise<GenieAnswer> {
    let message = first;
    const opened = Date.now();
    while (!TERMINAL.has(message.status)) {
      if (Date.now() >= deadline) throw new QuestionTimeoutError(`Genie message ${message.message_id}`, opts.timeoutMs ?? 0);
      const delay = nextPollDelay(poll, Date.now() - opened, typical.value);
      // ±10 % jitter keeps many open questions from polling in step
      await sleep(Math.min(delay * (0.9 + Math.random() * 0.2), Math.max(0, deadline - Date.now())), opts.signal);
      message = await rest.request<Message>({ method: 'GET', path: `${base(spaceId)}/conversations/${encodeURIComponent(message.conversation_id)}/messages/${encodeURIComponent(message.message_id)}`, idempotent: true });
    }
    if (message.status === 'COMPLETED') typical.observe(Date.now() - opened);
    if (message.status === 'FAILED' && /RATE_LIMIT/i.test(message.error?.type ?? '')) throw new RateLimitedError(`Genie: ${message.error?.error ?? 'rate limited'}`, undefined, message.error?.type);
    const query = message.attachments?.find((a) => a.query)?.query;
    const text = message.attachments?.find((a) => a.text)?.text;
    return {
      conversation_id: message.conversation_id,
      message_id: message.message_id,
      status: message.status as GenieAnswer['status'],
      ...(query?.query ? { sql: query.query } : {}),
      ...(text?.content ? { text: text.content } : {}),
      ...(message.error ? { error: message.error.error, error_type: message.error.type } : {}),
    };
  }

  return {
    async ask(spaceId, question, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
      // a 429 is retried by the REST client; other failures of this POST are not repeated (it may have acted)
      const started = await rest.request<{ message: Message }>({ method: 'POST', path: `${base(spaceId)}/start-conversation`, body: { content: question }, idempotent: false });
      await opts.onStarted?.();
      return waitFor(spaceId, started.message, deadline, opts);
    },
    async followUp(spaceId, conversationId, question, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
      const message = await rest.request<Message>({ method: 'POST', path: `${base(spaceId)}/conversations/${encodeURIComponent(conversationId)}/messages`, body: { content: question }, idempotent: false });
      await opts.onStarted?.();
      return waitFor(spaceId, message, deadline, opts);
    },
  };
}
