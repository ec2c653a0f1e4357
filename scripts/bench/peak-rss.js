// Preloaded into a timed process: on exit, appends its peak RSS (KiB) to $BENCH_RSS_FILE.
"use strict";
process.on("exit", () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) require("fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
});
