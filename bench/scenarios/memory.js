'use strict'
// memory: bytes per session (5 cookies, small userData) of each implementation, each measured alone in its own
// child process (bench/memory_child.js), children run in alternation. The all-in figure is the RSS growth per
// session after GC (V8 heap + external + native allocations); heap and external are recorded beside it.

const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { median } = require('../harness.js')

const CHILD = path.join(__dirname, '..', 'memory_child.js')

function runChild(impl, size, env) {
  const res = spawnSync(process.execPath, ['--expose-gc', CHILD, impl, String(size)], {
    env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 20 * 60 * 1000,
  })
  if (res.status !== 0) throw new Error(`memory_child ${impl} ${size} failed (${res.status ?? res.signal}): ${res.stderr}`)
  const line = res.stdout.trim().split('\n').pop()
  return JSON.parse(line)
}

async function memory(ctx, size) {
  const { impls, cfg } = ctx
  const env = { ...process.env, CRAWLEE_STORAGE_DIR: path.join(ctx.storageDir, `memory-${size}`) }
  const out = {}
  for (const impl of impls) out[impl.name] = []
  const rounds = Math.max(...impls.map((i) => cfg.memoryRuns(size, i.name)))
  for (let r = 0; r < rounds; r++) {
    for (const impl of impls) {
      if (r >= cfg.memoryRuns(size, impl.name)) continue
      const m = runChild(impl.name, size, env)
      out[impl.name].push(m)
      ctx.progress('memory', size, 'B/session')(impl.name, r, { value: m.allIn }, 0)
    }
  }
  for (const impl of impls) {
    const ms = out[impl.name]
    const comp = (k) => median(ms.map((m) => m[k]))
    ctx.record({
      scenario: 'memory',
      size,
      impl: impl.name,
      unit: 'B/session',
      values: ms.map((m) => m.allIn),
      opsPerRun: size,
      components: {
        heapUsed: comp('heapUsed'),
        external: comp('external'),
        arrayBuffers: comp('arrayBuffers'),
        rss: comp('rss'),
        heapPlusExternal: comp('heapPlusExternal'),
        youngGeneration: comp('youngGeneration'),
      },
      pools: ms[0].pools,
      childSamples: ms.map(({ before, after, addon, ...rest }) => rest),
    })
  }
}

module.exports = { memory }
