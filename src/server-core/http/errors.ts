import type { FastifyReply } from "fastify";
import type { z } from "zod";

/** Every error the API sends: a stable machine code and a sentence for humans. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: unknown,
) {
  const body: ApiErrorBody = { error: { code, message } };
  if (details !== undefined) body.error.details = details;
  return reply.code(status).send(body);
}

export function sendValidationError(reply: FastifyReply, error: z.ZodError) {
  const problems = error.issues.map(
    (issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`,
  );
  return sendError(reply, 400, "INVALID_REQUEST", `Invalid request: ${problems.join("; ")}`);
}
