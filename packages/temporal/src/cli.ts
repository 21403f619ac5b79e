#!/usr/bin/env node
// The `qsafp` bin: a thin shell around runCli so the commands are testable in-process.
import { runCli } from './cli-main.js';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
