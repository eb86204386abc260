'use strict'
// session-pool-rs versus @crawlee/core, side by side in one process run (issue 5).
//   npm run bench            full run: pool sizes 1 000 / 10 000 / 100 000 (several minutes)
//   QUICK=1 npm run bench    1 000 and 10 000, fewer runs (under a minute)
// Optional: SIZES=1000,10000 to choose sizes, ONLY=fill,rotation to choose scenarios.
// Prints a table of medians (min-max) with ours/Crawlee and the speedup, and writes bench/results.json plus a
// dated copy. See bench/README.md.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

// Crawlee reads its storage directory when its configuration is first built: set it before loading anything.
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-pool-bench-'))
process.env.CRAWLEE_STORAGE_DIR = storageDir

const { loadCrawlee, loadOurs, DEBUG_SIZE_BYTES } = require('./impls.js')
const { now, fmt } = require('./harness.js')
const report = require('./report.js')
const { fill } = require('./scenarios/fill.js')
const { rotation } = require('./scenarios/rotation.js')
const { counters } = require('./scenarios/counters.js')
const { concurrency } = require('./scenarios/concurrency.js')
const { churn } = require('./scenarios/churn.js')
const { cookies } = require('./scenarios/cookies.js')
const { browserCookies } = require('./scenarios/browser_cookies.js')
const { persist } = require('./scenarios/persist.js')
const { restore } = require('./scenarios/restore.js')
const { memory } = require('./scenarios/memory.js')

const QUICK = process.env.QUICK === '1' || process.env.QUICK === 'true'

const CONFIG = QUICK
  ? {
      sizes: [1000, 10000],
      opRuns: 5,
      minSampleMs: 15,
      churnMinSampleMs: 100,
      fillRuns: (n) => (n <= 1000 ? 5 : 2),
      persistRuns: (n) => (n <= 1000 ? 3 : 2),
      // Crawlee's restore of 10 000 sessions takes seconds: once in QUICK mode.
      restoreRuns: (n, impl) => (n <= 1000 ? 3 : impl === 'crawlee' ? 1 : 2),
      memoryRuns: () => 1,
    }
  : {
      sizes: [1000, 10000, 100000],
      opRuns: 9,
      minSampleMs: 40,
      // Churn's samples must hold many of Crawlee's sweeps (see bench/README.md): at 100 000 one comes every
      // ~3 000 operations (~60 ms) and costs ~50 ms, so a 40 ms sample has none or one.
      churnMinSampleMs: 400,
      fillRuns: (n) => (n <= 1000 ? 9 : n <= 10000 ? 5 : 3),
      // At 100 000, Crawlee's persist (~10 s) and restore (~2 min) run once; ours three times. At 1 000 a persist
      // is milliseconds: nine runs each, so one slow sample moves the median less.
      persistRuns: (n, impl) => (n <= 1000 ? 9 : n <= 10000 ? 5 : impl === 'crawlee' ? 1 : 3),
      restoreRuns: (n, impl) => (n <= 1000 ? 5 : n <= 10000 ? 3 : impl === 'crawlee' ? 1 : 3),
      memoryRuns: (n) => (n <= 10000 ? 3 : 1),
    }

if (process.env.SIZES) CONFIG.sizes = process.env.SIZES.split(',').map(Number)
const ONLY = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null
const wants = (s) => !ONLY || ONLY.has(s)

const t0 = now()
const elapsed = () => `${((now() - t0) / 1000).toFixed(1)}s`
const log = (msg) => process.stderr.write(`[${elapsed()}] ${msg}\n`)

function debugBanner(ours) {
  const a = ours.addon
  if (a.release !== false) return ''
  const mb = (a.sizeBytes / 1024 / 1024).toFixed(1)
  return [
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    `!!! WARNING: the loaded addon looks like a DEBUG build (${mb} MB > ${DEBUG_SIZE_BYTES / 1024 / 1024} MB):`,
    `!!!   ${a.path}`,
    '!!! Numbers for session-pool-rs are not representative. Run `npm run build` (release) first.',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n')
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc (npm run bench does)')
  const crawlee = loadCrawlee()
  const ours = loadOurs()
  const impls = [crawlee, ours]
  const banner = debugBanner(ours)
  if (banner) process.stderr.write(banner)

  const meta = {
    date: new Date().toISOString(),
    quick: QUICK,
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model,
    cpus: os.cpus().length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemBytes: os.totalmem(),
    // Other work on the machine skews the figures: the 1-minute load average at the start and at the end.
    loadavgStart: os.loadavg()[0],
    crawleeVersion: crawlee.version,
    oursVersion: ours.version,
    addon: ours.addon,
    releaseBuild: ours.addon.release,
    sizes: CONFIG.sizes,
    alternation: 'each sample: Crawlee then ours (A, B, A, B ...), a full GC before each sample',
  }
  log(`${crawlee.label} vs ${ours.label} (${ours.addon.release ? 'release' : 'DEBUG'} addon, ${fmt(ours.addon.sizeBytes / 1e6)} MB); node ${meta.node}; ${meta.cpu} x${meta.cpus}; sizes ${CONFIG.sizes.join(', ')}${QUICK ? ' (QUICK)' : ''}`)

  const cells = []
  const ctx = {
    impls,
    cfg: CONFIG,
    storageDir,
    record(rec) {
      if (!wants(rec.scenario)) return
      const c = report.cell(rec)
      cells.push(c)
      const r = (x) => fmt(x)
      log(`  ${c.scenario} N=${report.sizeLabel(c.size)} ${c.impl}: ${r(c.median)} ${c.unit} (${r(c.min)}-${r(c.max)}, ${c.runs} runs)${c.maxStallMs !== undefined ? `, longest stall ${r(c.maxStallMs)} ms` : ''}${c.note ? `  ${c.note}` : ''}`)
    },
    progress(scenario, size, unit) {
      // Samples that take a while are reported as they finish.
      return (impl, run, rec, sampleMs) => {
        if (sampleMs > 3000 || unit === 'B/session') {
          log(`    ${scenario} N=${report.sizeLabel(size)} ${impl} run ${run + 1}: ${fmt(rec.value)} ${unit}${rec.maxStallMs !== undefined ? `, longest stall ${fmt(rec.maxStallMs)} ms` : ''}`)
        }
      }
    },
  }

  // Size-independent scenarios first, on a small heap.
  if (wants('cookies')) {
    log('cookies')
    await cookies(ctx)
  }
  if (wants('browserCookies')) {
    log('browser cookies')
    await browserCookies(ctx)
  }
  for (const size of CONFIG.sizes) {
    const heapMB = (process.memoryUsage().heapUsed / 1e6).toFixed(0)
    log(`N=${report.sizeLabel(size)} (heap in use before: ${heapMB} MB)`)
    const poolScenarios = ['fill', 'rotation', 'counters', 'concurrency', 'churn'].filter(wants)
    if (poolScenarios.length) {
      log(`N=${report.sizeLabel(size)}: fill`)
      const pools = await fill(ctx, size)
      if (wants('rotation')) {
        log(`N=${report.sizeLabel(size)}: rotation`)
        await rotation(ctx, size, pools)
      }
      if (wants('counters')) {
        log(`N=${report.sizeLabel(size)}: counters`)
        await counters(ctx, size, pools)
      }
      if (wants('concurrency') && size === 1000) {
        log(`N=${report.sizeLabel(size)}: concurrency`)
        await concurrency(ctx, size, pools)
      }
      if (wants('churn')) {
        log(`N=${report.sizeLabel(size)}: churn`)
        await churn(ctx, size, pools)
      }
      for (const impl of impls) await pools[impl.name].teardown({ persistState: false })
    }
    if (wants('persist') || wants('restore')) {
      log(`N=${report.sizeLabel(size)}: persist`)
      await persist(ctx, size)
      if (wants('restore')) {
        log(`N=${report.sizeLabel(size)}: restore`)
        await restore(ctx, size)
      }
    }
  }
  if (wants('memory')) {
    for (const size of CONFIG.sizes) {
      log(`N=${report.sizeLabel(size)}: memory (child processes)`)
      await memory(ctx, size)
    }
  }

  const order = (c) => report.SCENARIOS.indexOf(c.scenario) * 1e7 + (c.size ?? 0) + (c.impl === 'ours' ? 0.5 : 0)
  cells.sort((a, b) => order(a) - order(b))
  const ratioRows = report.ratios(cells)
  meta.durationSec = (now() - t0) / 1000
  meta.loadavgEnd = os.loadavg()[0]

  const header = `session-pool-rs vs Crawlee ${crawlee.version} | ${meta.date} | node ${meta.node} | ${meta.cpu} x${meta.cpus} | ${ours.addon.release ? 'release' : 'DEBUG'} addon${QUICK ? ' | QUICK' : ''} | ${fmt(meta.durationSec)} s | load avg ${fmt(meta.loadavgStart)} -> ${fmt(meta.loadavgEnd)} on ${meta.cpus} CPUs`
  process.stdout.write(`\n${header}\n\n${report.render(cells, ratioRows)}\n`)
  const warnings = cells.filter((c) => c.note && c.note.startsWith('WARNING'))
  for (const c of warnings) process.stdout.write(`${c.scenario} N=${report.sizeLabel(c.size)} ${c.impl}: ${c.note}\n`)
  if (banner) process.stdout.write(banner)

  const doc = { meta, results: cells, ratios: ratioRows }
  const json = `${JSON.stringify(doc, null, 2)}\n`
  const stamp = meta.date.replace(/[:.]/g, '-')
  const main = path.join(__dirname, 'results.json')
  const dated = path.join(__dirname, `results-${stamp}${QUICK ? '-quick' : ''}.json`)
  fs.writeFileSync(main, json)
  fs.writeFileSync(dated, json)
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), main)} and ${path.relative(process.cwd(), dated)}\n`)
}

main()
  .catch((err) => {
    process.stderr.write(`bench failed: ${err && err.stack ? err.stack : err}\n`)
    process.exitCode = 1
  })
  .finally(() => {
    try {
      fs.rmSync(storageDir, { recursive: true, force: true })
    } catch {
      // a temp dir left behind is harmless
    }
    // Nothing should keep the process alive, but a stray timer of either library must not hang the bench.
    setTimeout(() => process.exit(), 100).unref()
  })
