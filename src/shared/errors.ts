// Domain errors carry a stable code; the HTTP layer maps codes to statuses in one place
// (src/http/error-handler.ts). Expected outcomes are values; these are for refusals.
export type ErrorCode =
  | 'not_found'
  | 'gone'
  | 'validation_failed'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
export const invalid = (message: string, details?: unknown): AppError =>
  new AppError('validation_failed', message, details);
export const forbidden = (message = 'This action needs the admin role'): AppError =>
  new AppError('forbidden', message);
