// Uploaded attachment files, stored under `<dataDir>/attachments/<key>`. A key is the attachment id
// followed by 32 random url-safe characters: the public download URL
// `/files/<key>/<filename>` is unguessable, and the server finds the row by its primary key.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const KEY_PATTERN = /^([0-9a-f]{24})[A-Za-z0-9_-]{32}$/;

export function newFileKey(attachmentId: string): string {
  return attachmentId + randomBytes(24).toString('base64url');
}

/** The attachment id inside a well-formed key, or undefined (so no odd text reaches the disk). */
export function attachmentIdOfKey(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Where a stored file is served: outside the API, readable by anyone who has the URL. */
export function fileUrl(publicUrl: string, key: string, filename: string): string {
  return `${publicUrl}/files/${key}/${encodeURIComponent(filename)}`;
}

/** The last path segment of a client's filename, without control characters, at most 255 chars. */
export function cleanFilename(raw: string): string {
  const base = raw.replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

export interface AttachmentFiles {
  write(key: string, data: Buffer): Promise<void>;
  /** Removes the files; ones already gone are ignored. */
  remove(keys: string[]): Promise<void>;
  /** The file's path, or undefined when the key is not well-formed. */
  pathOf(key: string): string | undefined;
}

export function createAttachmentFiles(dataDir: string): AttachmentFiles {
  const dir = path.join(dataDir, 'attachments');
  const pathOf = (key: string) => (attachmentIdOfKey(key) ? path.join(dir, key) : undefined);
  return {
    pathOf,
    async write(key, data) {
      const file = pathOf(key);
      if (!file) throw new Error('malformed attachment key');
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(file, data, { flag: 'wx', mode: 0o600 });
    },
    async remove(keys) {
      for (const key of keys) {
        const file = pathOf(key);
        if (file) await fs.rm(file, { force: true });
      }
    },
  };
}
