'use strict'
// Targets of issue 5, the ratio rows, the printed table and the JSON document.

const { stats, fmt } = require('./harness.js')

const SCENARIOS = ['fill', 'rotation', 'churn', 'counters', 'concurrency', 'cookies', 'browserCookies', 'persist', 'restore', 'memory']
const LABELS = { browserCookies: 'browser cookies' }

// What "met" means for each row (issue 5's table). speedup = Crawlee median / ours median.
const TARGETS = {
  fill: { text: '>= 50x', check: (r) => r.speedup >= 50 },
  rotation: { text: '>= 3x at 1k and 100k', sizes: [1000, 100000], check: (r) => r.speedup >= 3 },
  churn: { text: '>= 5x at 1k, >= 30x at 100k', sizes: [1000, 100000], check: (r) => r.speedup >= (r.size === 1000 ? 5 : 30) },
  counters: { text: 'ours <= 1 µs', check: (r) => r.ours <= 1 },
  concurrency: { text: '>= 3x', check: (r) => r.speedup >= 3 },
  cookies: { text: '>= 10x', check: (r) => r.speedup >= 10 },
  browserCookies: { text: '>= 10x', check: (r) => r.speedup >= 10 },
  persist: { text: '>= 10x, stall < 50 ms', check: (r) => r.speedup >= 10 && r.oursMaxStallMs < 50 },
  restore: { text: '>= 50x, stall < 100 ms', check: (r) => r.speedup >= 50 && r.oursMaxStallMs < 100 },
  memory: { text: 'ours <= 2 KB all-in', check: (r) => r.ours <= 2048 },
}

function cell(rec) {
  const s = stats(rec.values)
  const out = {
    scenario: rec.scenario,
    size: rec.size,
    impl: rec.impl,
    unit: rec.unit,
    median: s.median,
    min: s.min,
    max: s.max,
    runs: rec.values.length,
    opsPerRun: rec.opsPerRun,
    samples: rec.values,
  }
  if (rec.stalls) {
    const st = stats(rec.stalls)
    // Longest event-loop stall: median over the runs of each run's longest stall, and the worst of all runs.
    out.maxStallMs = st.median
    out.maxStallMsWorst = st.max
    out.maxStallMsMin = st.min
    out.stallSamples = rec.stalls
  }
  for (const k of ['stateFileBytes', 'buildMs', 'components', 'pools', 'childSamples', 'note']) {
    if (rec[k] !== undefined) out[k] = rec[k]
  }
  return out
}

function ratios(cells) {
  const rows = []
  for (const scenario of SCENARIOS) {
    const sizes = [...new Set(cells.filter((c) => c.scenario === scenario).map((c) => c.size))]
    for (const size of sizes) {
      const a = cells.find((c) => c.scenario === scenario && c.size === size && c.impl === 'crawlee')
      const b = cells.find((c) => c.scenario === scenario && c.size === size && c.impl === 'ours')
      if (!a || !b) continue
      const row = {
        scenario,
        size,
        unit: a.unit,
        crawlee: a.median,
        ours: b.median,
        ratio: b.median / a.median,
        speedup: a.median / b.median,
      }
      if (a.maxStallMs !== undefined) {
        row.crawleeMaxStallMs = a.maxStallMs
        row.oursMaxStallMs = b.maxStallMs
      }
      const t = TARGETS[scenario]
      row.target = t.text
      row.met = t.sizes && !t.sizes.includes(size) ? null : t.check(row)
      rows.push(row)
    }
  }
  return rows
}

function sizeLabel(size) {
  if (size === null || size === undefined) return '-'
  return size >= 1000 ? `${size / 1000}k` : String(size)
}

function cellText(c) {
  if (!c) return '-'
  const range = c.runs > 1 ? ` (${fmt(c.min)}-${fmt(c.max)})` : ''
  return `${fmt(c.median)}${range}${c.runs === 1 ? ' [1 run]' : ''}`
}

function stallText(c) {
  if (!c || c.maxStallMs === undefined) return ''
  return c.runs > 1 ? `${fmt(c.maxStallMs)} (${fmt(c.maxStallMsMin)}-${fmt(c.maxStallMsWorst)})` : fmt(c.maxStallMs)
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cols) => `| ${cols.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

function render(cells, ratioRows) {
  const find = (s, n, i) => cells.find((c) => c.scenario === s && c.size === n && c.impl === i)
  const rows = ratioRows.map((r) => {
    const a = find(r.scenario, r.size, 'crawlee')
    const b = find(r.scenario, r.size, 'ours')
    return [
      LABELS[r.scenario] ?? r.scenario,
      sizeLabel(r.size),
      r.unit,
      cellText(a),
      cellText(b),
      fmt(r.ratio),
      `${fmt(r.speedup)}x`,
      r.target,
      r.met === null ? '(n/a)' : r.met ? 'met' : 'MISSED',
    ]
  })
  const main = table(['scenario', 'N', 'unit', 'Crawlee median (min-max)', 'ours median (min-max)', 'ours/Crawlee', 'speedup', 'target', ''], rows)

  const stallRows = ratioRows
    .filter((r) => r.crawleeMaxStallMs !== undefined)
    .map((r) => [r.scenario, sizeLabel(r.size), stallText(find(r.scenario, r.size, 'crawlee')), stallText(find(r.scenario, r.size, 'ours'))])
  const stalls = stallRows.length
    ? `\nLongest event-loop stall during the operation, ms: median of the runs (min-max)\n${table(['scenario', 'N', 'Crawlee', 'ours'], stallRows)}`
    : ''

  const memRows = cells
    .filter((c) => c.scenario === 'memory')
    .map((c) => [sizeLabel(c.size), c.impl, String(c.pools ?? 1), fmt(c.components.heapUsed), fmt(c.components.external), fmt(c.components.heapPlusExternal), fmt(c.components.rss), fmt(c.components.youngGeneration ?? 0)])
  const mem = memRows.length
    ? `\nMemory per session, bytes (medians; RSS = all-in, includes native allocations; pools of N measured together; young gen. = V8 young generation growth, 0 expected)\n${table(['N', 'impl', 'pools', 'heapUsed', 'external', 'heap+external', 'RSS', 'young gen.'], memRows)}`
    : ''
  return `${main}\n${stalls}\n${mem}`
}

module.exports = { SCENARIOS, TARGETS, cell, ratios, render, sizeLabel }
