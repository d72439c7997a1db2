// How routes appear in the OpenAPI document (/api/v1/openapi.json): paths without the /api/v1
// prefix; every JSON body also as application/x-www-form-urlencoded (accepted everywhere, see
// body-parsers.ts); the attachment upload as multipart/form-data.
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const UPLOAD = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', format: 'binary', description: 'the file, at most 1 MiB' } },
};

interface RouteSchema {
  body?: { content?: Record<string, { schema: unknown }> } & Record<string, unknown>;
  consumes?: string[];
  [key: string]: unknown;
}

export function openapiTransform({ schema, url }: { schema: RouteSchema; url: string }): { schema: RouteSchema; url: string } {
  const path = url.replace(/^\/api\/v1/, '');
  if (!schema?.body) return { schema, url: path };
  const content = schema.body.content;
  if (!content) return { schema: { ...schema, consumes: [JSON_TYPE, FORM] }, url: path };
  const withUpload = path === '/leads/:id/attachments' ? { ...content, 'multipart/form-data': { schema: UPLOAD } } : content;
  return { schema: { ...schema, body: { ...schema.body, content: withUpload } }, url: path };
}
