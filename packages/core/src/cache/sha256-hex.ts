// SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, as lowercase hex, in plain JavaScript.
// The cache key is hashed on every new process's cache hit; importing `node:crypto` for a
// hundred bytes costs more start-up time than hashing them here. The digest is the same as
// `createHash('sha256')`, so cache files keep their names (test/sha256-hex.test.ts checks).
// Measured (bench/sha256.bench.mjs, bench/RESULTS.md, 2026-12-07): 1.3 ms saved per new-process
// hit on Node 20 and 3.0 ms on Node 24 against node:crypto's one-shot `hash()`; kept while both
// stay at 0.5 ms or more. The rotations are written out, not a helper function: a new process
// hashes once, in V8's interpreter, where a call costs more than the shifts it wraps (a key
// of two blocks made 1,152 of them). First hash of a 90-byte key in a new process, CPU, medians
// of 31: 0.56–0.78 → 0.37–0.40 ms on Node 24, 0.39–0.44 → 0.35–0.37 ms on Node 20; in a whole
// cache hit (phase marks, medians of 40), the cache key's part 0.57 → 0.45 ms on Node 24.

const ROUND_CONSTANTS = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** The UTF-8 bytes of `text`, written by hand: `TextEncoder` loads a module of its own in a new process. */
function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        index++;
      }
    }
    // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000)
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
  }
  return bytes;
}

export function sha256Hex(text: string): string {
  const bytes = utf8Bytes(text);
  // Message, 0x80, zero padding, 64-bit big-endian bit length: a multiple of 64 bytes, as words.
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const message = new Uint32Array(blocks * 16);
  for (let index = 0; index < bytes.length; index++)
    message[index >> 2] =
      (message[index >> 2] as number) | ((bytes[index] as number) << (24 - (index & 3) * 8));
  message[bytes.length >> 2] =
    (message[bytes.length >> 2] as number) | (0x80 << (24 - (bytes.length & 3) * 8));
  const bitLength = bytes.length * 8;
  message[message.length - 2] = Math.floor(bitLength / 0x100000000);
  message[message.length - 1] = bitLength >>> 0;
  const state = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const words = new Uint32Array(64);
  for (let offset = 0; offset < message.length; offset += 16) {
    for (let index = 0; index < 16; index++) words[index] = message[offset + index] as number;
    for (let index = 16; index < 64; index++) {
      const w15 = words[index - 15] as number;
      const w2 = words[index - 2] as number;
      // σ0 and σ1: each rotation written out as `(x >>> n) | (x << (32 - n))` (see the head).
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      words[index] = ((words[index - 16] as number) + s0 + (words[index - 7] as number) + s1) >>> 0;
    }
    let a = state[0] as number;
    let b = state[1] as number;
    let c = state[2] as number;
    let d = state[3] as number;
    let e = state[4] as number;
    let f = state[5] as number;
    let g = state[6] as number;
    let h = state[7] as number;
    for (let index = 0; index < 64; index++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const choose = (e & f) ^ (~e & g);
      const t1 = (h + s1 + choose + (ROUND_CONSTANTS[index] as number) + (words[index] as number)) >>> 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const majority = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + majority) >>> 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    state[0] = (state[0] as number) + a;
    state[1] = (state[1] as number) + b;
    state[2] = (state[2] as number) + c;
    state[3] = (state[3] as number) + d;
    state[4] = (state[4] as number) + e;
    state[5] = (state[5] as number) + f;
    state[6] = (state[6] as number) + g;
    state[7] = (state[7] as number) + h;
  }
  let hex = '';
  for (let index = 0; index < 8; index++) hex += (state[index] as number).toString(16).padStart(8, '0');
  return hex;
}
