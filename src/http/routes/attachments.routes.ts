// Attachments on a lead (docs/SPEC.md §7): `POST /leads/:id/attachments` takes either a multipart upload
// (one part named `file`, at most 1 MiB) or JSON `{filename, url}` with an http(s) URL;
// `GET|DELETE /leads/:id/attachments/:itemId`. Uploaded files are served by files.routes.ts.
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import {
  createAttachmentFiles,
  cleanFilename,
  fileUrl,
  newFileKey,
  type AttachmentFiles,
} from '../../crm/attachment-files.ts';
import { createAttachment, deleteAttachment, getAttachment, listAttachments, type NewAttachment } from '../../crm/attachments.service.ts';
import type { AppContext } from '../../context.ts';
import { invalid } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { Empty, IdParams, LeadItemParams, Text } from '../schemas.ts';
import { registerLeadItemRoutes } from './lead-item-routes.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['attachments'];
const AttachmentLink = Type.Object(
  {
    filename: Text(255),
    url: Type.String({ format: 'uri', pattern: '^[hH][tT][tT][pP][sS]?://', maxLength: 2000, description: 'http(s) URL' }),
  },
  { additionalProperties: false },
);

// A content type we repeat back when serving the file; anything odd is served as octet-stream.
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

async function storeUpload(ctx: AppContext, files: AttachmentFiles, part: MultipartFile): Promise<NewAttachment> {
  const data = await part.toBuffer(); // throws FST_REQ_FILE_TOO_LARGE (413) past 1 MiB
  const id = newId(ctx.clock.now());
  const key = newFileKey(id);
  const filename = cleanFilename(part.filename);
  await files.write(key, data);
  return {
    id,
    filename,
    url: fileUrl(ctx.config.publicUrl, key, filename),
    storage_key: key,
    content_type: CONTENT_TYPE.test(part.mimetype) ? part.mimetype : 'application/octet-stream',
    byte_size: data.length,
  };
}

/** The uploaded part named `file`; a body the multipart reader cannot parse is a 400. */
async function readUpload(ctx: AppContext, files: AttachmentFiles, request: FastifyRequest): Promise<NewAttachment> {
  const malformed = (error: unknown) => {
    // Size limits (413) and file-system errors (500) are not the body's fault.
    const code = (error as { code?: unknown }).code;
    if (error instanceof Error && ('statusCode' in error || (typeof code === 'string' && /^E[A-Z]+$/.test(code)))) throw error;
    throw invalid('The multipart body is malformed (check its boundary)', [{ field: 'file', message: 'unreadable' }]);
  };
  const part = await request.file().catch(malformed);
  if (!part || part.fieldname !== 'file') throw invalid('Send the file as a multipart part named "file"', [{ field: 'file', message: 'missing' }]);
  return storeUpload(ctx, files, part).catch(malformed);
}

export const attachmentRoutes: ApiRoutes = (api, ctx) => {
  const files = createAttachmentFiles(ctx.config.dataDir);
  registerLeadItemRoutes(api, ctx, { path: 'attachments', list: listAttachments, get: getAttachment });

  api.post(
    '/leads/:id/attachments',
    // JSON and form bodies have a schema; a multipart body is read from the stream in the handler
    // (and described in OpenAPI by openapi.ts).
    {
      schema: {
        tags,
        params: IdParams,
        body: { content: { 'application/json': { schema: AttachmentLink }, 'application/x-www-form-urlencoded': { schema: AttachmentLink } } },
      },
    },
    async (request, reply) => {
      let input: NewAttachment;
      if (request.isMultipart()) {
        input = await readUpload(ctx, files, request);
      } else {
        if (request.body === undefined) throw invalid('Send a multipart upload or JSON {filename, url}');
        const link = request.body as Static<typeof AttachmentLink>;
        input = { id: newId(ctx.clock.now()), filename: link.filename, url: link.url, storage_key: null, content_type: null, byte_size: null };
      }
      try {
        const created = await ctx.recorder.transaction((tx) => createAttachment(tx, request.actor, request.params.id, input));
        return await reply.status(201).send(created);
      } catch (error) {
        if (input.storage_key) await files.remove([input.storage_key]);
        throw error;
      }
    },
  );

  api.delete('/leads/:id/attachments/:itemId', { schema: { tags, params: LeadItemParams, response: { 200: Empty } } }, async (request) => {
    const { id, itemId } = request.params as Static<typeof LeadItemParams>;
    const key = await ctx.recorder.transaction((tx) => deleteAttachment(tx, request.actor, id, itemId));
    // After the commit: a rolled-back delete must still find its file.
    if (key) await files.remove([key]);
    return {};
  });
};
