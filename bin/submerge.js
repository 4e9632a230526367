#!/usr/bin/env node
// Launcher for the `submerge` bin: whatever node runs this file (often the system one), the
// CLI itself runs on the project's Node 24 with tsx, from any working directory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const local = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const node = existsSync(local) ? local : process.execPath;
// --import resolves bare names from the working directory; an absolute URL works from anywhere.
const tsx = import.meta.resolve('tsx');
const main = join(root, 'services', 'cli', 'main.ts');

const child = spawn(node, ['--import', tsx, main, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`submerge: cannot start ${node}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
