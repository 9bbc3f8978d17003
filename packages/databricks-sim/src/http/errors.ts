import type { FastifyReply } from 'fastify';

/** Sends the Databricks REST error body `{error_code, message}`. */
export function sendError(reply: FastifyReply, status: number, errorCode: string, message: string): FastifyReply {
  return reply.code(status).send({ error_code: errorCode, message });
}
