'use strict'
// The one driver every scenario goes through: alternation of the two implementations (A, B, A, B ...), a
// forced GC before each sample, batch calibration, the event-loop heartbeat and the statistics.

const { performance } = require('node:perf_hooks')

const now = () => performance.now()

// How long every sample waits after its GC before it starts (`SETTLE=<ms>`, 0 turns it off): the GC hands
// sweeping what it freed to V8's background threads, which then share the two cores and the memory bus with the
// sample. With a big heap in the process (Crawlee's pool of 100 000 is ~700 MB) this is most of a short sample:
// our rotation at 100k measured ~0.6 us an operation started right after the GC and ~0.34 us 50 ms later.
const SETTLE_MS = Number(process.env.SETTLE ?? 50)

function gc() {
  if (typeof global.gc === 'function') {
    global.gc()
    global.gc()
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function stats(values) {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  }
}

/**
 * Runs the samples of each implementation in alternation: round r runs impl A's sample r, then impl B's, and so
 * on; an implementation with fewer runs simply sits out the later rounds. Each sample starts after
 * `beforeSample()` (if given) and a full GC; with `settleMs`, the loop then idles that long, so work the previous
 * sample left to background threads (V8's concurrent sweeping of what the GC freed, returning its pages) is not
 * charged to the next one.
 * @param plan [{ impl, runs, sample: async (runIndex) => number | { value, ...extra } }]
 * @returns { [impl]: [{ value, ...extra }] }
 */
async function alternate(plan, { progress, beforeSample = null, settleMs = 0 } = {}) {
  const out = {}
  for (const p of plan) out[p.impl] = []
  const rounds = Math.max(...plan.map((p) => p.runs))
  for (let r = 0; r < rounds; r++) {
    for (const p of plan) {
      if (r >= p.runs) continue
      if (beforeSample) beforeSample()
      gc()
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs))
      const t = now()
      const raw = await p.sample(r)
      const sampleMs = now() - t
      const rec = typeof raw === 'number' ? { value: raw } : raw
      out[p.impl].push(rec)
      if (progress) progress(p.impl, r, rec, sampleMs)
    }
  }
  return out
}

/**
 * Finds how many operations make one sample last at least `minMs` (doubling from 1), which also warms the code
 * up. `run(k)` performs k operations and returns the elapsed milliseconds.
 */
async function calibrate(run, minMs, maxOps = 1 << 24) {
  let k = 1
  for (;;) {
    const ms = await run(k)
    if (ms >= minMs || k >= maxOps) {
      // One more pass at the chosen size: the first passes ran colder code.
      if (k > 1) await run(k)
      return k
    }
    k = ms <= 0 ? k * 8 : Math.min(k * 8, Math.max(k * 2, Math.ceil((k * minMs * 1.2) / ms)))
  }
}

/**
 * Measures `op` (an async function) while a 1 ms interval timer watches the event loop. The longest stall is
 * the longest gap between consecutive observations, counting the moment just before `op` is called and the
 * moment it resolves, so a synchronous block at call time is seen too. (A 1 ms timer ticks every ~1.1 ms
 * when the loop is free.)
 */
async function withHeartbeat(op) {
  let last = now()
  let maxGap = 0
  const start = last
  const timer = setInterval(() => {
    const t = now()
    if (t - last > maxGap) maxGap = t - last
    last = t
  }, 1)
  let result
  try {
    result = await op()
  } finally {
    const end = now()
    if (end - last > maxGap) maxGap = end - last
    clearInterval(timer)
    result = { ms: end - start, maxStallMs: maxGap, result }
  }
  return result
}

/** Deterministic PRNG (mulberry32), so both implementations see the same sequence of decisions. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function fmt(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '-'
  const a = Math.abs(x)
  if (a === 0) return '0'
  if (a >= 1000) return Math.round(x).toLocaleString('en-US')
  if (a >= 100) return x.toFixed(0)
  if (a >= 10) return x.toFixed(1)
  if (a >= 1) return x.toFixed(2)
  if (a >= 0.01) return x.toFixed(3)
  return x.toPrecision(2)
}

module.exports = { now, gc, median, stats, alternate, calibrate, withHeartbeat, prng, fmt, SETTLE_MS }

/**
 * Recompiles a standalone function (one that uses only its parameters and globals) from its source, so each
 * implementation runs its own copy: the JIT's type feedback of one never makes the other's call sites
 * polymorphic.
 */
function isolate(fn) {
  // eslint-disable-next-line no-new-func
  return new Function(`return (${fn.toString()})`)()
}

/**
 * A scenario timed per operation: each implementation's batch size is calibrated (which also warms it up)
 * so that a sample lasts at least `minMs`, then `runs` samples are taken in alternation.
 * @param impls [{ name, ... }]
 * @param setup (impl) => ({ run: async (k) => elapsedMs, check?: () => string | undefined })
 * @param scale value = elapsedMs / k * scale (1000 for µs per op)
 * @param settleMs the pause after each sample's GC (see SETTLE_MS)
 */
async function perOp({ impls, setup, runs, minMs, scale, maxOps, settleMs = SETTLE_MS }) {
  const bench = {}
  const opsPerRun = {}
  for (const impl of impls) {
    bench[impl.name] = await setup(impl)
    gc()
    opsPerRun[impl.name] = await calibrate(bench[impl.name].run, minMs, maxOps)
  }
  const plan = impls.map((impl) => ({
    impl: impl.name,
    runs,
    sample: async () => {
      const k = opsPerRun[impl.name]
      const ms = await bench[impl.name].run(k)
      return (ms / k) * scale
    },
  }))
  const samples = await alternate(plan, { settleMs })
  const checks = {}
  for (const impl of impls) {
    const check = bench[impl.name].check
    if (check) checks[impl.name] = check()
    if (bench[impl.name].teardown) await bench[impl.name].teardown()
  }
  return { samples, opsPerRun, checks }
}

module.exports.isolate = isolate
module.exports.perOp = perOp
