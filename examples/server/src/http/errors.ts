import { isOutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error body of the API. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error raised by a route with its HTTP status and API code. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// Codes whose status is not 400. Everything else an OutpaceError carries is a
// client mistake (bad input), hence 400; unknown exceptions are 500.
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  NOT_FOUND: 404,
  LIST_NOT_FOUND: 404,
  SUPPRESSION_LIST_NOT_FOUND: 404,
  CONFLICT: 409,
  CLIENT_ID_EXISTS: 409,
  LIST_IMPORT_ABORTED: 409,
  LIST_ERROR_LIMIT: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ADAPTER_SFTP_UNREACHABLE: 502,
  ADAPTER_SFTP_AUTH_FAILED: 502,
  ADAPTER_SFTP_HOST_KEY_MISMATCH: 502,
  ADAPTER_SFTP_TIMEOUT: 504,
  AUTOMATION_SECRET_UNREADABLE: 409,
  LIST_IMPORT_RUNNING: 409,
  LABEL_SCHEMA_IN_USE: 409,
  NOT_READY: 503,
  CAMPAIGN_STATE_CONFLICT: 409,
  CAMPAIGN_CONFIG_IN_USE: 409,
  CAMPAIGN_LEASE_LOST: 409,
  DIALER_GROUP_BUSY: 409,
  DIALER_GROUP_INVALID: 422,
  DIALER_RUNTIME_NOT_RUNNING: 503,
};

/** HTTP status for an error code. */
export function statusForCode(code: string): ContentfulStatusCode {
  return STATUS_BY_CODE[code] ?? (code.endsWith('_NOT_FOUND') ? 404 : 400);
}

/** Converts any thrown value to the API's error body and status. */
export function toErrorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (err instanceof ApiError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  if (isOutpaceError(err)) {
    return {
      status: statusForCode(err.code),
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code =
      status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : /json/i.test(err.message)
          ? 'INVALID_JSON'
          : status === 401
            ? 'UNAUTHENTICATED'
            : status === 403
              ? 'FORBIDDEN'
              : 'BAD_REQUEST';
    const message =
      code === 'INVALID_JSON'
        ? 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.'
        : err.message || 'Bad request.';
    return { status, body: { error: { code, message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error.' } } };
}

/** Writes an error response. */
export function errorResponse(c: Context, err: unknown): Response {
  const { status, body } = toErrorResponse(err);
  return c.json(body, status);
}
