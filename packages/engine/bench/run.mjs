// `pnpm bench`: Wengert, TF.js and jax-js side by side against handwritten JS, in one process.
// Prints markdown tables (median per call and ratio to handwritten, max relative error against
// the float64 reference, first-call time, peak memory growth) and Wengert's targets, met or missed.
// Progress goes to stderr, so `node bench/run.mjs > results.md` keeps only the tables.

import os from 'node:os';
import { DEFAULT_CLOCK, FULL, QUICK, measureCells, measureMemory, memoryChild } from './harness.mjs';
import { createHandwritten } from './systems/handwritten.mjs';
import { createJaxjs } from './systems/jaxjs.mjs';
import { createTfjs } from './systems/tfjs.mjs';
import { createWengert } from './systems/wengert.mjs';
import { WORKLOADS, selftest } from './workloads.mjs';

const SYSTEMS = {
  handwritten: createHandwritten,
  wengert: createWengert,
  'wengert-jit': () => createWengert({ jit: true }),
  tfjs: createTfjs,
  jaxjs: () => createJaxjs({ jit: false }),
  'jaxjs-jit': () => createJaxjs({ jit: true }),
  'jaxjs-f64': () => createJaxjs({ jit: false, dtype: 'float64' }),
  'jaxjs-jit-f64': () => createJaxjs({ jit: true, dtype: 'float64' }),
};
const DEFAULT_SYSTEMS = ['handwritten', 'wengert', 'wengert-jit', 'tfjs', 'jaxjs', 'jaxjs-jit'];
const DEFAULT_MEMORY = ['w2-1e5'];

/** Wengert's targets from the issue: ratio to handwritten (eager engine, float64). */
const TARGETS = { w1: 40, 'w2-1e3': 10, 'w2-1e5': 2, w3: 1.5, 'w4-tall-auto': 3, 'w4-wide-auto': 3, w5: 10, w6: 200 };
const AUTO_VS_BEST_FORCED = 1.3;
const MEMORY_TARGET_MB = { 'w2-1e5': 20 };
const WRONG = 1e-3;

const USAGE = `usage: node bench/run.mjs [options]
  --workloads w1,w2-1e3,w4   workload ids or prefixes (default: all)
                             ids: ${WORKLOADS.map((w) => w.id).join(' ')}
  --systems wengert,tfjs     systems besides handwritten (default: ${DEFAULT_SYSTEMS.slice(1).join(',')})
                             also available: jaxjs-f64, jaxjs-jit-f64
  --repeat N                 interleaved samples per cell (default ${FULL.samples}; each ~${FULL.sampleMs} ms)
  --quick                    short warm-up, small samples, no memory run (under a minute)
  --clock min|wall|cpu       per batch the smaller of wall and process CPU time (default),
                             or either one alone
  --memory w2-1e5,w3         workloads to measure peak RSS growth on, one child process per cell
                             (default w2-1e5; none with --quick)
  --no-memory                skip the memory measurement
  --selftest                 check the reference gradients against central differences`;

function parseArgs(argv) {
  const options = { quick: false, memory: null, systems: DEFAULT_SYSTEMS, workloads: null, repeat: null, clock: DEFAULT_CLOCK };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    const list = () => value().split(',').map((s) => s.trim()).filter(Boolean);
    if (arg === '--quick') options.quick = true;
    else if (arg === '--workloads') options.workloads = list();
    else if (arg === '--systems') options.systems = ['handwritten', ...list().filter((s) => s !== 'handwritten')];
    else if (arg === '--repeat') options.repeat = Number(value());
    else if (arg === '--clock') options.clock = value();
    else if (arg === '--memory') options.memory = list();
    else if (arg === '--no-memory') options.memory = [];
    else if (arg === '--selftest') options.selftest = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  for (const id of options.systems) if (!SYSTEMS[id]) throw new Error(`unknown system ${id}; known: ${Object.keys(SYSTEMS).join(', ')}`);
  // Memory takes a child process per system; a quick run skips it unless asked.
  options.memory ??= options.quick ? [] : DEFAULT_MEMORY;
  if (options.repeat !== null && !(options.repeat >= 1)) throw new Error('--repeat needs a positive number');
  if (!['min', 'cpu', 'wall'].includes(options.clock)) throw new Error('--clock is min, wall or cpu');
  return options;
}

function selectWorkloads(tokens) {
  if (!tokens) return WORKLOADS;
  const selected = WORKLOADS.filter((w) => tokens.some((t) => w.id === t || w.id.startsWith(`${t}-`)));
  if (selected.length === 0) throw new Error(`no workload matches ${tokens.join(',')}`);
  return selected;
}

// ---------------------------------------------------------------- formatting

function formatTime(ms) {
  if (!Number.isFinite(ms)) return '—';
  const [value, unit] = ms >= 1000 ? [ms / 1000, 's'] : ms >= 1 ? [ms, 'ms'] : ms >= 1e-3 ? [ms * 1e3, 'µs'] : [ms * 1e6, 'ns'];
  return `${value >= 100 ? Math.round(value) : value.toPrecision(3)} ${unit}`;
}

const formatRatio = (r) => `${r >= 10 ? Math.round(r) : r.toPrecision(2)}×`;

function formatError(error) {
  if (error === 0) return '0';
  const text = Number.isFinite(error) ? error.toExponential(1) : String(error);
  return error > WRONG ? `**WRONG** ${text}` : text;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------- main

/** Loads each system; one that fails to load is marked `skipped` (its column says so). */
async function loadSystems(systems) {
  for (const system of systems) {
    const start = performance.now();
    try {
      await system.load();
      process.stderr.write(`loaded ${system.label} in ${formatTime(performance.now() - start)}\n`);
    } catch (error) {
      process.stderr.write(`SKIPPED ${system.label}: ${error.message}\n`);
      system.skipped = error.message;
    }
  }
}

/** Cells of one system per workload; `notes` says why a system has no cell (n/a, setup failed). */
function cellsFor(workload, systems) {
  const cells = [];
  const notes = new Map();
  const reference = workload.reference(workload.data());
  for (const system of systems) {
    if (system.skipped) continue;
    try {
      const cell = system.setup(workload);
      if (cell) cells.push({ key: `${workload.id}|${system.id}`, system: system.id, run: cell.run, reference, perRun: workload.callsPerRun ?? 1 });
      else notes.set(system.id, 'n/a');
    } catch (error) {
      notes.set(system.id, `setup failed: ${String(error.message).split('\n')[0]}`);
    }
  }
  return { cells, notes };
}

/** Workloads measured in one interleaving: W4's modes of one shape together, the others alone. */
function groupsOf(workloads) {
  const groups = new Map();
  for (const workload of workloads) {
    const key = workload.kind === 'jacobian' ? `w4-${workload.shape}` : workload.id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(workload);
  }
  return [...groups.values()];
}

function cellText(system, result, note, base, show) {
  if (system.skipped) return 'skipped';
  if (note) return note === 'n/a' ? 'n/a' : `⚠ ${note}`;
  if (!result) return '—';
  if (result.failure) return `⚠ ${result.failure}`;
  return show(result, base);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  if (options.selftest) {
    process.exitCode = selftest() ? 0 : 1;
    return;
  }
  const settings = { ...(options.quick ? QUICK : FULL), clock: options.clock };
  if (options.repeat) settings.samples = options.repeat;
  const workloads = selectWorkloads(options.workloads);
  const startedAt = performance.now();

  // jax-js grows its WebAssembly.Memory, which detaches an ArrayBuffer; from then on V8 checks every
  // typed-array access for detachment in the whole process, and plain JS loops ran 2.2× slower (the
  // handwritten W3: 17 → 38 ms). So the systems that do so are loaded and measured last.
  const systems = options.systems.map((id) => SYSTEMS[id]());
  const phases = [systems.filter((s) => !s.detachesArrayBuffers), systems.filter((s) => s.detachesArrayBuffers)];
  const measured = workloads.map((workload) => ({ workload, notes: new Map(), results: new Map() }));
  for (const phase of phases.filter((p) => p.length > 0)) {
    await loadSystems(phase);
    for (const group of groupsOf(workloads)) {
      const rows = group.map((workload) => ({ workload, ...cellsFor(workload, phase) }));
      const cells = rows.flatMap((row) => row.cells);
      process.stderr.write(`${group.map((w) => w.id).join(', ')}: ${cells.length} cells ...`);
      const t = performance.now();
      const results = await measureCells(cells, settings);
      process.stderr.write(` ${formatTime(performance.now() - t)}\n`);
      for (const { workload, cells: own, notes } of rows) {
        const entry = measured.find((m) => m.workload === workload);
        for (const [id, note] of notes) entry.notes.set(id, note);
        for (const cell of own) entry.results.set(cell.system, results.get(cell.key));
      }
    }
  }

  const memory = [];
  for (const workload of workloads.filter((w) => options.memory.includes(w.id))) {
    const row = new Map();
    for (const system of systems.filter((s) => !s.skipped)) {
      process.stderr.write(`memory ${workload.id} ${system.id} ...\n`);
      row.set(system.id, await measureMemory(system.id, workload.id, settings.memoryMs));
    }
    memory.push({ workload, row });
  }

  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`\n## Benchmark: median per call (W6: per step), ratio to handwritten\n`);
  console.log(
    `Node ${process.version}, ${os.cpus().length}× ${cpu}, load average ${load}; ${options.quick ? 'quick' : 'full'} run: ` +
      `${{ min: 'min(wall, process CPU) time', cpu: 'process CPU time', wall: 'wall time' }[settings.clock]}, ${settings.warmupMs} ms warm-up, ` +
      `batches of ~${settings.sampleMs} ms, up to ${settings.samples} interleaved samples per cell.\n`,
  );
  const header = ['workload', ...systems.map((s) => s.label)];
  const rowsOf = (show) =>
    measured.map(({ workload, results, notes }) => {
      const base = results.get('handwritten');
      return [workload.title, ...systems.map((s) => cellText(s, results.get(s.id), notes.get(s.id), base, show))];
    });
  console.log(
    table(
      header,
      rowsOf((r, base) => {
        const time = formatTime(r.medianMs);
        return r === base || !base?.medianMs ? time : `${time} (${formatRatio(r.medianMs / base.medianMs)})`;
      }),
    ),
  );
  console.log('\n### Max relative error against the float64 reference (max |error| / max |reference|)\n');
  console.log(table(header, rowsOf((r) => formatError(r.error))));
  console.log('\n### First call (tracing, compilation, warm-up of V8; setup excluded)\n');
  console.log(table(header, rowsOf((r) => formatTime(r.firstMs))));

  if (memory.length > 0) {
    console.log('\n### Peak memory growth over the post-setup baseline (one child process per cell: RSS; JS heap and typed-array buffers in parentheses)\n');
    const memorySystems = systems.filter((s) => !s.skipped);
    console.log(
      table(
        ['workload', ...memorySystems.map((s) => s.label)],
        memory.map(({ workload, row }) => [
          workload.title,
          ...memorySystems.map((s) => {
            const m = row.get(s.id);
            if (m.unavailable) return 'n/a';
            if (m.failure) return `⚠ ${m.failure}`;
            return `+${m.growthMB.toFixed(1)} MB (heap +${m.heapMB.toFixed(1)}, buffers +${m.externalMB.toFixed(1)}; ${m.calls} calls)`;
          }),
        ]),
      ),
    );
  }

  printTargets(measured, memory, systems);
  process.stderr.write(`total ${formatTime(performance.now() - startedAt)}\n`);
}

function printTargets(measured, memory, systems) {
  const wengert = systems.find((s) => s.id === 'wengert');
  console.log('\n### Wengert targets (ratio to handwritten, float64)\n');
  if (!wengert) return console.log('Wengert not selected.');
  if (wengert.skipped) return console.log(`Wengert not measured: ${wengert.skipped}`);
  const byId = new Map(measured.map((m) => [m.workload.id, m]));
  const ratioOf = (id) => {
    const m = byId.get(id);
    const ours = m?.results.get('wengert');
    const base = m?.results.get('handwritten');
    if (!ours?.medianMs || !base?.medianMs) return undefined;
    return { ratio: ours.medianMs / base.medianMs, ours, title: m.workload.title };
  };
  const verdict = (ok, error) => (error > WRONG ? '**missed** (wrong answer)' : ok ? 'met' : '**missed**');
  const rows = [];
  for (const [id, limit] of Object.entries(TARGETS)) {
    const r = ratioOf(id);
    if (!byId.has(id)) continue;
    if (!r) rows.push([byId.get(id).workload.title, `≤ ${limit}×`, 'not measured', '**missed**']);
    else rows.push([r.title, `≤ ${limit}×`, formatRatio(r.ratio), verdict(r.ratio <= limit, r.ours.error)]);
  }
  for (const shape of ['tall', 'wide']) {
    const auto = byId.get(`w4-${shape}-auto`)?.results.get('wengert');
    const forced = ['forward', 'reverse'].map((mode) => byId.get(`w4-${shape}-${mode}`)?.results.get('wengert')?.medianMs);
    if (!auto?.medianMs || forced.some((t) => !t)) continue;
    const ratio = auto.medianMs / Math.min(...forced);
    rows.push([`W4 ${shape}: auto vs faster forced mode`, `≤ ${AUTO_VS_BEST_FORCED}×`, formatRatio(ratio), verdict(ratio <= AUTO_VS_BEST_FORCED, auto.error)]);
  }
  for (const { workload, row } of memory) {
    const limit = MEMORY_TARGET_MB[workload.id];
    const m = row.get('wengert');
    if (limit === undefined || !m) continue;
    if (m.failure) rows.push([`${workload.title}: peak memory growth`, `≤ ${limit} MB`, 'failed', '**missed**']);
    else rows.push([`${workload.title}: peak memory growth`, `≤ ${limit} MB`, `${m.growthMB.toFixed(1)} MB`, verdict(m.growthMB <= limit, 0)]);
  }
  console.log(table(['target', 'limit', 'Wengert', 'verdict'], rows));
}

if (process.argv[2] === '--memory-child') {
  const [systemId, workloadId, durationMs] = process.argv.slice(3);
  await memoryChild(SYSTEMS[systemId](), WORKLOADS.find((w) => w.id === workloadId), Number(durationMs));
} else {
  await main().catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
