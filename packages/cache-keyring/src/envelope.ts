// node:crypto through process.getBuiltinModule, on first use: an ES import builds a module
// facade over all of its exports in every process that loads this file.
const crypto = () => process.getBuiltinModule('node:crypto');

/** Marks an encrypted entry file; anything else in its place is not ours. */
const FORMAT = 'oidcflow-keyring-cache';
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface SealedFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Which data key sealed it (a hash, not the key): tells "another key" from "tampered". */
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** A short public name of a data key, stored beside the ciphertext. */
export function dataKeyId(dataKey: Buffer): string {
  return crypto()
    .createHash('sha256')
    .update('oidcflow data key id\0')
    .update(dataKey)
    .digest('hex')
    .slice(0, 16);
}

/**
 * Binds the ciphertext to its cache key and data key: a file copied under another key's
 * name fails its tag like a tampered one.
 */
const associatedData = (cacheKeyId: string, keyId: string) =>
  Buffer.from(`${FORMAT}/v${VERSION}\0${cacheKeyId}\0${keyId}`, 'utf8');

/** AES-256-GCM with a fresh 96-bit IV per write (one key writes far fewer than 2^32 entries). */
export function seal(plaintext: string, dataKey: Buffer, cacheKeyId: string): string {
  const keyId = dataKeyId(dataKey);
  const iv = crypto().randomBytes(IV_BYTES);
  const cipher = crypto().createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(cacheKeyId, keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const file: SealedFile = {
    format: FORMAT,
    version: VERSION,
    keyId,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  return `${JSON.stringify(file)}\n`;
}

/** The envelope's fields, or undefined for anything else (not JSON, another format or version). */
function parseSealedFile(text: string): SealedFile | undefined {
  let file: Partial<SealedFile> | null | undefined;
  try {
    file = JSON.parse(text);
  } catch {
    return undefined;
  }
  // `?.` makes null, numbers, strings and arrays fail the format check like any foreign object.
  if (file?.format !== FORMAT || file.version !== VERSION) return undefined;
  const strings = [file.keyId, file.iv, file.tag, file.ciphertext];
  return strings.every((field) => typeof field === 'string') ? (file as SealedFile) : undefined;
}

/** The plaintext, or why it cannot be had. Never throws for a bad file. */
export function open(
  text: string,
  dataKey: Buffer | undefined,
  cacheKeyId: string,
): { text: string } | { problem: string } {
  const file = parseSealedFile(text);
  if (!file)
    return { problem: 'it is not an encrypted oidcflow cache entry (or a version this one cannot read)' };
  if (!dataKey) return { problem: 'the data key that encrypted it is no longer in the OS keyring' };
  if (file.keyId !== dataKeyId(dataKey)) {
    return { problem: 'it was encrypted with another data key (the keyring entry was replaced or removed)' };
  }
  const iv = Buffer.from(file.iv, 'base64');
  const tag = Buffer.from(file.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    return { problem: 'its encryption header is damaged' };
  try {
    const decipher = crypto().createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(cacheKeyId, file.keyId));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(file.ciphertext, 'base64')),
      decipher.final(),
    ]);
    return { text: plaintext.toString('utf8') };
  } catch {
    return {
      problem: 'it fails its integrity check (it was changed or damaged, or belongs to another entry)',
    };
  }
}
