/** `ApiError` (an HTTP status with a plain-text message, as the Console sends) and request-body validation with zod. */
import type { z } from "zod";

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Validates a request body; on failure throws a 400 whose message names the first bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(400, "Request body must be a JSON object");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = fieldName(issue.path);
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
    throw new ApiError(400, `${field} is required`);
  }
  throw new ApiError(400, field ? `Invalid ${field}: ${issue.message}` : issue.message);
}
