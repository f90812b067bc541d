"use strict";
// Shared by the bench programs (and bench/main.ts): the stack shape - one cluster, one IP allowlist, and Zeebe
// clients and connector secrets making up the rest of `size` resources; `changed` secrets get revision `rev` in
// their value - and the program-side timeline: with BENCH_TIMELINE_FILE set, the program appends "<epoch ms> <label>"
// when it starts and when each resource's id resolves (that is, when the engine has finished the resource's step).
const fs = require("fs");

function shape(size) {
  if (!Number.isInteger(size) || size < 3) throw new Error(`bench: size must be an integer >= 3, got ${size}`);
  const rest = size - 2;
  const clients = Math.floor(rest / 2);
  return { clusters: 1, allowlists: 1, clients, secrets: rest - clients };
}

function secretValue(seed, i, rev, changed) {
  return `${seed}-${i}-r${i < changed ? rev : 0}`;
}

const file = process.env.BENCH_TIMELINE_FILE;

function record(label) {
  if (file) fs.appendFileSync(file, `${Date.now()} ${label}\n`);
}

/** Records the program start now, and returns `mark(label, resource)` recording when the resource's id resolves. */
function timeline() {
  record("start");
  return (label, resource) => {
    if (file) resource.id.apply(() => record(label));
    return resource;
  };
}

module.exports = { shape, secretValue, timeline };
