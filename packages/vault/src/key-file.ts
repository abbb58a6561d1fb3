/**
 * The deployment key file: 32 random bytes stored as 64 hex characters and a newline, mode 0600,
 * created on first use. Every token and every stored secret depends on it, so it is refused rather
 * than used when anyone but the owner could read or replace it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { KEY_LENGTH } from './subkeys.js';
import { VaultError, codes } from './vault-error.js';

const KEY_TEXT_RE = /^[0-9a-fA-F]{64}(\r?\n)?$/;

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** Reads and checks an existing key file; ENOENT is passed through for the caller to create it. */
async function readKeyFile(keyPath: string): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(keyPath, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw err;
    throw new VaultError(codes.keyIo, `cannot open key file ${keyPath}: ${errnoCode(err) ?? 'error'}`, { cause: err, data: { path: keyPath } });
  }
  try {
    // fstat on the open handle: the file checked is the file read, with no window to swap it.
    const stat = await handle.stat();
    if (!stat.isFile()) throw new VaultError(codes.keyInvalid, `key file ${keyPath} is not a regular file`, { data: { path: keyPath } });
    const mode = stat.mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new VaultError(codes.keyPermissions, `key file ${keyPath} has mode ${mode.toString(8).padStart(4, '0')}; it must grant nothing to group or other (chmod 600)`, {
        data: { path: keyPath, mode: mode.toString(8) },
      });
    }
    // Never more than a well-formed file could hold, so a wrong path cannot pull in a huge file.
    const buf = Buffer.alloc(KEY_LENGTH * 2 + 3);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('latin1');
    buf.fill(0);
    // The message says what is wrong in general terms; the content is key material and is never quoted.
    if (!KEY_TEXT_RE.test(text)) {
      throw new VaultError(codes.keyInvalid, `key file ${keyPath} must hold exactly 64 hex characters and a newline`, { data: { path: keyPath } });
    }
    return Buffer.from(text.slice(0, KEY_LENGTH * 2), 'hex');
  } catch (err) {
    if (err instanceof VaultError) throw err;
    throw new VaultError(codes.keyIo, `cannot read key file ${keyPath}: ${errnoCode(err) ?? 'error'}`, { cause: err, data: { path: keyPath } });
  } finally {
    await handle.close();
  }
}

/**
 * Writes a new key to a private temp file, then links it into place: link(2) fails if the key file
 * appeared meanwhile, so concurrent first starts agree on one key and nobody reads a half-written file.
 */
async function createKeyFile(keyPath: string): Promise<void> {
  const dir = path.dirname(keyPath);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(keyPath)}.${randomBytes(6).toString('hex')}.tmp`);
  const key = randomBytes(KEY_LENGTH);
  const text = Buffer.from(`${key.toString('hex')}\n`, 'latin1');
  key.fill(0);
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      // The umask can only remove bits, but an explicit chmod also documents the intent.
      await handle.chmod(0o600);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      text.fill(0);
      await handle.close();
    }
    await fs.link(tmp, keyPath);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  await syncDir(dir);
}

/** Makes the new directory entry durable; some platforms cannot fsync a directory, which is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

/**
 * Returns the 32-byte deployment master key from `keyPath`, creating the file (mode 0600, parent
 * directories 0700) with a fresh random key if it does not exist. Throws VaultError
 * GITGATE_KEY_PERMISSIONS when the file grants any permission to group or other,
 * GITGATE_KEY_INVALID when its content is not 64 hex characters plus an optional newline, and
 * GITGATE_KEY_IO when it cannot be read or created.
 */
export async function loadOrCreateKey(keyPath: string): Promise<Buffer> {
  if (typeof keyPath !== 'string' || keyPath === '') throw new TypeError('key path must be a non-empty string');
  try {
    return await readKeyFile(keyPath);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
  try {
    await createKeyFile(keyPath);
  } catch (err) {
    // EEXIST: another process created it first; its key wins and is read below.
    if (errnoCode(err) !== 'EEXIST') {
      throw new VaultError(codes.keyIo, `cannot create key file ${keyPath}: ${errnoCode(err) ?? 'error'}`, { cause: err, data: { path: keyPath } });
    }
  }
  return readKeyFile(keyPath);
}
