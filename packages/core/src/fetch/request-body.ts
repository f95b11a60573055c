/**
 * Whether a request body can be sent a second time (after a refresh, or along a 307/308
 * redirect). Strings, bytes, Blobs, form data and URLSearchParams are values; a
 * ReadableStream or an async iterable (a Node stream) is consumed by the first send.
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === null || body === undefined) return true;
  if (typeof body === 'string') return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (body instanceof URLSearchParams || body instanceof Blob || body instanceof FormData) return true;
  return false;
}
