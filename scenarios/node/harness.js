// Runs a heapsim scenario script under real Node, with the phases `heapsim run` uses:
//
//   node --expose-gc scenarios/node/harness.js SCRIPT OUTDIR [--repeat N]
//
// A script exporting `{ setup, action, back, repeat }` (only `action` required) runs as
// memlab's method: setup → full GC → snapshot `baseline` → repeat × (action, back) → full
// GC → snapshot `target` → back once more → full GC → snapshot `final`, written as
// OUTDIR/{baseline,target,final}.heapsnapshot. `--repeat N` overrides the script's
// `repeat` (default 1). A script exporting no `action` is free-form: its top-level code
// runs, taking the snapshots it asks for with `snapshot(name)`.
//
// Microtasks (promise reactions) run after each step returns — after the script's
// top-level code, setup, each action and each back — and never inside a step: the shim
// awaits one macrotask turn there, the interpreter drains its queue at the same points.
// Timers are the prelude's (interp/prelude/timers.js) on a clock that only `advanceTime`
// moves, so callbacks fire at the same simulated instants as under `heapsim run`; the rest
// of the runtime (`require`, `events`, `process`, `console`) is Node's own. The globals
// `gc`, `snapshot`, `expect` come from interp/prelude/harness.js. The expectations the
// script recorded are written to OUTDIR/expect.json. docs/scenario-runtime.md has it all.
'use strict';
const fs = require('fs');
const path = require('path');
const hooks = require('./hooks.js');
const prelude = path.join(__dirname, '..', '..', 'interp', 'prelude');

const USAGE = 'usage: node --expose-gc scenarios/node/harness.js SCRIPT OUTDIR [--repeat N]';

function fail(message) {
  process.stderr.write(`harness: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  let repeat;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--repeat') {
      repeat = Number(argv[++i]);
      if (!Number.isInteger(repeat) || repeat < 0) fail(`--repeat ${argv[i]}: not a count`);
    } else if (argv[i].startsWith('--')) {
      fail(`unknown option ${argv[i]}\n${USAGE}`);
    } else {
      positional.push(argv[i]);
    }
  }
  if (positional.length !== 2) fail(USAGE);
  return { script: path.resolve(positional[0]), outdir: path.resolve(positional[1]), repeat };
}

function installGlobals(outdir) {
  let expectations;
  try {
    expectations = hooks.install(outdir);
  } catch (e) {
    fail(e.message);
  }
  const timers = require(path.join(prelude, 'timers.js'));
  const harness = require(path.join(prelude, 'harness.js'));
  for (const name of ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval']) {
    globalThis[name] = timers[name];
  }
  globalThis.advanceTime = timers.advanceTime;
  Object.assign(globalThis, harness);
  return expectations;
}

// One macrotask turn: every microtask queued so far, and those they queue, has run.
function drainMicrotasks() {
  return new Promise((resolve) => setImmediate(resolve));
}

async function step(fn) {
  fn();
  await drainMicrotasks();
}

async function runPhases(scenario, repeat) {
  const { setup, action, back } = scenario;
  const undo = typeof back === 'function' ? back : () => {};
  if (typeof setup === 'function') await step(setup);
  gc();
  snapshot('baseline');
  for (let i = 0; i < repeat; i++) {
    await step(action);
    await step(undo);
  }
  gc();
  snapshot('target');
  await step(undo);
  gc();
  snapshot('final');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // Node opens its stdio streams (and loads their modules) on first use: open them now,
  // or a script's first console.log after `baseline` would show them as leaked.
  if (!process.stdout.writable || !process.stderr.writable) fail('stdout or stderr is closed');
  if (!fs.existsSync(args.script)) fail(`${args.script}: no such script`);
  fs.mkdirSync(args.outdir, { recursive: true });
  const expectations = installGlobals(args.outdir);
  const scenario = require(args.script);
  await drainMicrotasks();
  if (typeof scenario.action === 'function') {
    const repeat = args.repeat ?? scenario.repeat ?? 1;
    if (!Number.isInteger(repeat) || repeat < 0) fail(`${args.script}: repeat ${repeat} is not a count`);
    await runPhases(scenario, repeat);
  }
  const file = path.join(args.outdir, 'expect.json');
  fs.writeFileSync(file, `${JSON.stringify(expectations, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
