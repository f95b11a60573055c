// Preloaded with `node --require`: on exit, writes the process's peak resident set size in
// bytes to the file PEAK_RSS_FILE names (what a test of bounded memory reads afterwards).
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
