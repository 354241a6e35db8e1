// The interop toolchain's settings for the adapters: a variable from the environment, else
// from the env file scripts/setup-interop.sh writes (KEY=VALUE lines).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

function interopEnv(key) {
  if (process.env[key]) return process.env[key];
  const home = process.env.HEAPSIM_INTEROP_HOME || path.join(os.homedir(), '.cache', 'heapsim-interop');
  const file = path.join(home, 'env');
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`${key} is not set and ${file} is missing: run scripts/setup-interop.sh`);
    process.exit(2);
  }
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, eq) === key) return line.slice(eq + 1);
  }
  console.error(`${file} has no ${key}: run scripts/setup-interop.sh`);
  process.exit(2);
}

module.exports = {interopEnv};
