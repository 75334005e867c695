// Files for keys, certificates and the CA's records: durable atomic writes (a reader sees the old file or the new one,
// never half of either, and a crash after the call returns cannot lose the write), and existence checks.

import { randomBytes } from 'node:crypto';
import { access, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` through a temporary file in the same directory: write, fsync, then rename (or link when
 * `exclusive`, which fails with EEXIST instead of replacing an existing file), then fsync the directory.
 * Missing parent directories are created with `directoryMode` (default 0700).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options?: { mode?: number; directoryMode?: number; exclusive?: boolean },
): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: options?.directoryMode ?? 0o700 });
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx', options?.mode ?? 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    if (options?.exclusive === true) await link(temporary, path);
    else await rename(temporary, path);
  } finally {
    await unlink(temporary).catch(() => {});
  }
  await syncDirectory(directory);
}

/** Makes a rename or link durable: the directory entry itself must reach the disk. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True when `path` exists; false only when it is missing (other errors, such as EACCES, are thrown). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** True for the error a file operation raises when its path does not exist. */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
