// `npm test`: the typecheck (`tsc --noEmit`) and the tests (`vitest run`) at the same time.
//
// tsc (TypeScript 7, the native compiler) takes about 4 s and 7 CPU-seconds; TypeScript 5.9 took
// about 30 s on one core, which run before vitest kept the second core idle. It runs beside vitest
// at a lower priority, so it takes the CPU the test workers leave while they wait on DynamoDB Local,
// Chromium and `npm start`. Its report comes after vitest's, and the exit code fails when either
// failed. Arguments go to vitest (`npm test -- tests/domain`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// Through package.json's `bin`: TypeScript 7 exports no `typescript/bin/tsc` subpath.
const tscBin = join(dirname(require.resolve('typescript/package.json')), require('typescript/package.json').bin.tsc);
const vitestBin = join(dirname(require.resolve('vitest/package.json')), require('vitest/package.json').bin.vitest);

const tsc = spawn(process.execPath, [tscBin, '--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] });
try {
  setPriority(tsc.pid, 10);
} catch {
  // Not allowed here: it runs at the same priority, which is only slower.
}
let typeReport = '';
tsc.stdout.on('data', (chunk) => (typeReport += chunk));
tsc.stderr.on('data', (chunk) => (typeReport += chunk));
const typechecked = new Promise((resolve) => tsc.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));

const vitest = spawn(process.execPath, [vitestBin, 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
const tested = new Promise((resolve) => vitest.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    tsc.kill(signal);
    vitest.kill(signal);
  });
}

const testCode = await tested;
const typeCode = await typechecked;
if (typeCode !== 0) {
  process.stderr.write(`\nType errors (tsc --noEmit, exit code ${typeCode}):\n${typeReport}\n`);
} else {
  process.stdout.write('\nTypecheck (tsc --noEmit): no errors.\n');
}
process.exit(testCode !== 0 ? testCode : typeCode);
