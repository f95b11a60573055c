/** Where preparation reports what it does; progress percentages only appear on a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const PROGRESS_INTERVAL_MS = 250;

/** Prints "label: 45% (80 of 168 MB)" in place on a TTY, at most four times a second; nothing elsewhere. */
export function downloadProgress(output: ProgressOutput, label: string, totalBytes: number | undefined) {
  let lastPrintedAt = 0;
  let printedAny = false;
  const megabytes = (bytes: number) => Math.round(bytes / 1_000_000);
  return {
    update(receivedBytes: number) {
      if (!output.isTTY) return;
      const now = Date.now();
      if (now - lastPrintedAt < PROGRESS_INTERVAL_MS) return;
      lastPrintedAt = now;
      printedAny = true;
      const amount = totalBytes
        ? `${Math.floor((receivedBytes / totalBytes) * 100)}% (${megabytes(receivedBytes)} of ${megabytes(totalBytes)} MB)`
        : `${megabytes(receivedBytes)} MB`;
      output.write(`\r${label}: ${amount}   `);
    },
    finish() {
      if (printedAny) output.write('\n');
    },
  };
}
