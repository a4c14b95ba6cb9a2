// Where a system spends its time on one workload: runs it for a few seconds under V8's CPU
// profiler (the same sampler as `node --cpu-prof`) and prints the top functions by self time.
// usage: node bench/profile.mjs <system> <workload> [seconds] [--save file.cpuprofile]

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createHandwritten } from './systems/handwritten.mjs';
import { createJaxjs } from './systems/jaxjs.mjs';
import { createTfjs } from './systems/tfjs.mjs';
import { createWengert } from './systems/wengert.mjs';
import { WORKLOADS } from './workloads.mjs';

const SYSTEMS = {
  handwritten: createHandwritten,
  wengert: createWengert,
  'wengert-jit': () => createWengert({ jit: true }),
  tfjs: createTfjs,
  jaxjs: () => createJaxjs({ jit: false }),
  'jaxjs-jit': () => createJaxjs({ jit: true }),
};

const args = process.argv.slice(2);
const saveAt = args.indexOf('--save');
const savePath = saveAt >= 0 ? args.splice(saveAt, 2)[1] : undefined;
const [systemId, workloadId, seconds = '3'] = args;
const workload = WORKLOADS.find((w) => w.id === workloadId);
if (!SYSTEMS[systemId] || !workload) {
  console.error(`usage: node bench/profile.mjs <${Object.keys(SYSTEMS).join('|')}> <${WORKLOADS.map((w) => w.id).join('|')}> [seconds] [--save file]`);
  process.exit(1);
}

const system = SYSTEMS[systemId]();
await system.load();
const cell = system.setup(workload);
if (!cell) {
  console.error(`${systemId} has no ${workloadId}`);
  process.exit(1);
}
const warmUntil = performance.now() + 500;
while (performance.now() < warmUntil) await cell.run();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
let calls = 0;
const until = performance.now() + Number(seconds) * 1000;
while (performance.now() < until) {
  await cell.run();
  calls++;
}
const { profile } = await session.post('Profiler.stop');
session.disconnect();
if (savePath) writeFileSync(savePath, JSON.stringify(profile));

// Self time per function = samples whose top frame is that function.
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfSamples = new Map();
for (const id of profile.samples) {
  const { callFrame } = byId.get(id);
  const file = callFrame.url.split('/').slice(-2).join('/');
  const key = `${callFrame.functionName || '(anonymous)'} ${file}${file ? `:${callFrame.lineNumber + 1}` : ''}`;
  selfSamples.set(key, (selfSamples.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
console.log(`${systemId} ${workloadId}: ${calls} calls in ${seconds} s, ${total} samples; top functions by self time:`);
for (const [key, count] of [...selfSamples].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`${((100 * count) / total).toFixed(1).padStart(5)}%  ${key}`);
}
