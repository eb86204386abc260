'use strict'
// Memory of one implementation, alone in its own process:
//   node --expose-gc bench/memory_child.js <crawlee|ours> <n>
// Warms the code up on a throw-away pool (persistence off) of 1 000 sessions, kept alive (its teardown would leave
// freed native memory for the measured sessions to reuse, hiding their cost), grows V8's young generation to its
// largest size (see sizeYoungGenerationUp), then fills pools of n sessions (one pool if n >= 10 000, else as
// many as make 10 000 sessions), each session with 5 cookies and a small userData (as in the persist scenario):
// a baseline after GC once the first quarter of the sessions is made, a measurement after GC at the end. The
// figures are the growth per session over the last three quarters (the marginal cost of a session in pools of
// n; one-off growth such as JIT code falls in the first quarter). The young generation is scratch space for
// short-lived objects, empty after a GC; V8 doubles it whenever the bytes that survived since its last growth
// exceed its size, which any filling program does (every session survives), so unless it is grown first a
// doubling lands inside the measured window of some runs (at 10 000 sessions: 4 MB, ~560 B a session).
// Prints one JSON line: bytes per session of V8 heap (heapUsed), external memory, RSS (which also holds native
// allocations: the all-in figure), of heap + external, and the young generation's growth in the window
// (youngGeneration, expected 0).
// Set CRAWLEE_STORAGE_DIR to a temp dir (Crawlee opens its default store even with persistence off).

const { loadCrawlee, loadOurs, poolOptions } = require('./impls.js')
const { decorateSession } = require('./fixtures.js')
const v8 = require('node:v8')

const WARM_UP_SESSIONS = 1000
// Below this many sessions the RSS growth of one pool is mostly noise: V8 takes memory in 256 KB pages, and the
// allocator hands out memory freed before the baseline (at 1 000 sessions a few hundred KB either way are
// hundreds of bytes a session). Smaller sizes fill several pools of n, all kept, and measure them all.
const MEASURED_AT_LEAST = 10_000

function youngGenerationBytes() {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
  return space ? space.space_size : 0
}

// Makes objects that each outlive one scavenge and mostly die before the next (a ring that keeps a few percent
// of the young generation alive), so the survived bytes add up and V8 doubles its young generation step by step
// to the largest size it takes (32 MB on Node 20), while little is promoted to the old generation (whose freed
// pages V8 would hand back to the system later, inside the measured window). ~1 s.
function sizeYoungGenerationUp() {
  const OBJECT_BYTES = 16
  let size = youngGenerationBytes()
  for (let still = 0; still < 3; ) {
    const ring = new Array(Math.max(1, Math.floor(size / 32 / OBJECT_BYTES)))
    for (let i = 0, end = Math.floor((size * 16) / OBJECT_BYTES); i < end; i++) ring[i % ring.length] = { i }
    const now = youngGenerationBytes()
    still = now === size ? still + 1 : 0
    size = now
  }
}

function settle() {
  for (let i = 0; i < 4; i++) global.gc()
  return { ...process.memoryUsage(), youngGeneration: youngGenerationBytes() }
}

async function main() {
  const [which, nArg] = process.argv.slice(2)
  const n = Number(nArg)
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc')
  if (!['crawlee', 'ours'].includes(which) || !Number.isInteger(n) || n < 2) {
    throw new Error('usage: memory_child.js <crawlee|ours> <n>')
  }
  const impl = which === 'crawlee' ? loadCrawlee() : loadOurs()

  const warm = await impl.SessionPool.open(poolOptions(impl, { size: WARM_UP_SESSIONS }))
  for (let i = 0; i < WARM_UP_SESSIONS; i++) decorateSession(await warm.getSession(), i)
  // The throw-away pool stays alive (its teardown would leave freed native memory that the measured sessions
  // would then reuse, hiding their cost).
  globalThis.keepWarmPool = warm
  sizeYoungGenerationUp()
  settle()
  // V8 hands the freed pages back to the system on a background thread: let it finish before the baseline.
  await new Promise((resolve) => setTimeout(resolve, 500))

  // Pools of n sessions, as many as make MEASURED_AT_LEAST sessions in all (one pool from that size on).
  const poolCount = Math.max(1, Math.ceil(MEASURED_AT_LEAST / n))
  const total = poolCount * n
  const pools = []
  const first = Math.max(1, Math.floor(total / 4))
  let before = null
  for (let i = 0; i < total; i++) {
    if (i === first) before = settle()
    if (i % n === 0) pools.push(await impl.SessionPool.open(poolOptions(impl, { size: n })))
    decorateSession(await pools[pools.length - 1].getSession(), i)
  }
  const after = settle()
  for (const pool of pools) {
    const count = pool.usableSessionsCount
    if (count !== n) throw new Error(`${which}: a pool holds ${count} usable sessions, expected ${n}`)
  }
  const per = (k) => (after[k] - before[k]) / (total - first)
  const out = {
    impl: which,
    n,
    pools: poolCount,
    measured: total - first,
    heapUsed: per('heapUsed'),
    external: per('external'),
    arrayBuffers: per('arrayBuffers'),
    rss: per('rss'),
    heapPlusExternal: per('heapUsed') + per('external'),
    youngGeneration: per('youngGeneration'),
    allIn: per('rss'),
    before,
    after,
    addon: impl.addon,
  }
  process.stdout.write(`${JSON.stringify(out)}\n`)
  // Keep the pools alive until after the measurement.
  if (pools.some((pool) => pool.usableSessionsCount < 0)) console.log(pools)
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
