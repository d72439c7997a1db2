// `GET /files/:key/:filename`: uploaded attachments, outside the authenticated API so that the
// attachment_url in a webhook works for its receiver. The key holds 192 random bits, so the URL is
// the capability. Files can never execute on our origin (docs/SECURITY.md, "Uploads"): always a
// download, typed application/octet-stream unless an inert raster image, nosniff, and a sandboxing
// CSP, so an uploaded HTML or JavaScript file is neither rendered nor runnable as a script.
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { attachmentIdOfKey, createAttachmentFiles } from '../../crm/attachment-files.ts';
import { findStoredFile } from '../../crm/attachments.service.ts';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../shared/errors.ts';

const Params = Type.Object({ key: Type.String({ maxLength: 100 }), filename: Type.String({ maxLength: 1000 }) });

/** Types served as themselves: raster images a browser cannot execute. Everything else is bytes. */
const INERT_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

export function servedContentType(stored: string | null): string {
  const type = (stored ?? '').split(';')[0]!.trim().toLowerCase();
  return INERT_TYPES.has(type) ? type : 'application/octet-stream';
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function fileRoutes(ctx: AppContext) {
  const files = createAttachmentFiles(ctx.config.dataDir);
  return async (app: FastifyInstance) => {
    app.get('/files/:key/:filename', { schema: { hide: true, params: Params } }, async (request, reply) => {
      const { key, filename } = request.params as { key: string; filename: string };
      const attachmentId = attachmentIdOfKey(key);
      const path = files.pathOf(key);
      const stored = attachmentId && path ? await findStoredFile(ctx.db, attachmentId, key) : undefined;
      if (!stored || stored.filename !== filename || !path || !fs.existsSync(path)) throw notFound('File');
      return reply
        .header('content-type', servedContentType(stored.content_type))
        .header('content-disposition', contentDisposition(stored.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin')
        .header('cache-control', 'private, max-age=3600')
        .send(fs.createReadStream(path));
    });
  };
}
