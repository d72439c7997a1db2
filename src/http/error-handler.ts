// The one place where errors become HTTP answers (shape in docs/API.md "Errors"):
//   {"error": {"code", "message", "details"}, "message": "<sentence>", "detail": "<sentence>"}
// The top-level `message`/`detail` repeat error.message for clients that show one of those fields.
// Domain error codes map to statuses here; 5xx text is never shown.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../shared/errors.ts';
import { classifyStorageError, STORAGE_FAILURES } from '../storage/storage-errors.ts';
import { MAX_REPORTED_PROBLEMS } from './validation.ts';

const STATUS: Record<ErrorCode, number> = {
  gone: 410,
  not_found: 404,
  validation_failed: 400,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
};

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

/** Errors Fastify raises before routing (no route context): status and code of our answer. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A path segment is too long' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request', message: 'The path is not a valid URL' },
};

export function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).send({ error: { code, message, details: details ?? null }, message, detail: message });
}

interface Problem {
  field: string;
  message: string;
  params?: unknown;
}

/** At most MAX_REPORTED_PROBLEMS problems, and a sentence naming the first and the count. */
function validationAnswer(error: FastifyError): { message: string; details: Problem[] } {
  const all = error.validation ?? [];
  const details = all.slice(0, MAX_REPORTED_PROBLEMS).map((v) => ({
    field: `${error.validationContext ?? ''}${v.instancePath || ''}`,
    message: v.message ?? 'is invalid',
    ...(v.params ? { params: v.params } : {}),
  }));
  const first = details[0];
  const head = first ? `${first.field} ${first.message}` : error.message;
  const more = all.length > 1 ? ` (${all.length} problems${all.length > details.length ? `, first ${details.length} listed` : ''})` : '';
  return { message: `Invalid request: ${head}${more}`, details };
}

/** Bodies the multipart reader could not make sense of (no boundary, garbage): the client's fault. */
function isMalformedMultipart(error: FastifyError): boolean {
  return error.statusCode === undefined && /^(Multipart|Malformed|Unexpected end of form|Boundary)/i.test(error.message);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      // API clients get the Basic challenge; the UI's routes and a page's own fetch
      // (Sec-Fetch-Mode is set by browsers) do not, or the browser would pop up its password dialog.
      const apiClient = request.url.startsWith('/api/') && request.headers['sec-fetch-mode'] === undefined;
      if (error.code === 'unauthorized' && apiClient) {
        reply.header('www-authenticate', 'Basic realm="leadhook", charset="UTF-8"');
      }
      return sendError(reply, STATUS[error.code], error.code, error.message, error.details);
    }
    if (error.validation) {
      const { message, details } = validationAnswer(error);
      return sendError(reply, 400, 'validation_failed', message, details);
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendError(reply, STATUS[mapped], mapped, error.message);
    if (isMalformedMultipart(error)) return sendError(reply, 400, 'bad_request', `Malformed multipart body: ${error.message}`);
    const status = error.statusCode ?? 500;
    if (status === 429) return sendError(reply, 429, 'rate_limited', error.message);
    if (status >= 400 && status < 500) return sendError(reply, status, 'bad_request', error.message);
    // The database cannot answer or cannot write: try again later (docs/RELIABILITY.md). The storage
    // layer logs the outage once; the driver's text (addresses) stays out of the answer.
    const storage = classifyStorageError(error);
    if (storage) {
      const { description, retryAfterS } = STORAGE_FAILURES[storage.kind];
      request.log.debug({ kind: storage.kind, code: storage.code }, 'request failed: storage unavailable');
      reply.header('retry-after', String(retryAfterS));
      return sendError(reply, 503, 'unavailable', `Service unavailable: ${description}; try again later`);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal', 'Something went wrong on our side');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}

/** Fastify's `frameworkErrors` option: router errors (over-long path segment, bad URL) in our shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return sendError(reply, known.status, known.code, known.message);
  return sendError(reply, error.statusCode ?? 400, 'bad_request', error.message);
}
