/** Shorter strings are not redacted: they are not secrets and would mangle ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** Replaces every known secret in `text` with `[redacted]`. */
export function redact(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) {
      result = result.replaceAll(secret, '[redacted]');
    }
  }
  return result;
}
