/**
 * Errors the API answers with a 4xx status and `{"detail": message, ...extra}`. Anything
 * else is a bug and becomes a 500.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 422 | 503,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what: string, id: number | string): ApiError =>
  new ApiError(404, `${what} ${JSON.stringify(id)} not found`);

export const conflict = (message: string, extra: Record<string, unknown> = {}): ApiError =>
  new ApiError(409, message, extra);

export const unprocessable = (message: string, extra: Record<string, unknown> = {}): ApiError =>
  new ApiError(422, message, extra);
