#!/usr/bin/env node
'use strict'
// The demo crawl: a site that fights scrapers, a farm of forward proxies and a crawler using SessionPool, all on
// 127.0.0.1 in this one process. `npm start` runs it; `node examples/crawl/index.js --help` lists the options.
const { parseArgs } = require('node:util')
const { runCrawl, DEFAULTS } = require('./crawler.js')
const { progressPrinter, summaryText, startText } = require('./report.js')

const HELP = `Usage: node examples/crawl/index.js [options]     (or: npm start -- [options])

Crawls a local site that fights scrapers through a local proxy farm, rotating identities with SessionPool,
then prints a summary and where the pool's state was saved. Run it twice: the second run restores the warm
sessions (cookies and proxies) from the store.

Options:
  --pages <n>         pages of the site to crawl (default ${DEFAULTS.pages})
  --concurrency <n>   requests in flight at once (default ${DEFAULTS.concurrency})
  --pool-size <n>     the pool's maxPoolSize (default ${DEFAULTS.poolSize})
  --store <name>      key-value store that keeps the pool's state (default '${DEFAULTS.store}');
                      it lives in $CRAWLEE_STORAGE_DIR (default ./storage)/key_value_stores/<name>/
  --fresh             forget the sessions saved in the store and start cold
  --timeout <secs>    hard limit for the whole run (default ${DEFAULTS.timeoutMs / 1000})
  --json              print only a JSON summary (no progress)
  -h, --help          show this help
`

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      pages: { type: 'string' },
      concurrency: { type: 'string' },
      'pool-size': { type: 'string' },
      store: { type: 'string' },
      fresh: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  const int = (name, raw, fallback) => {
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} expects a positive integer, got '${raw}'`)
    return n
  }
  return {
    help: Boolean(values.help),
    json: Boolean(values.json),
    options: {
      pages: int('pages', values.pages, DEFAULTS.pages),
      concurrency: int('concurrency', values.concurrency, DEFAULTS.concurrency),
      poolSize: int('pool-size', values['pool-size'], DEFAULTS.poolSize),
      store: values.store ?? DEFAULTS.store,
      fresh: Boolean(values.fresh),
      timeoutMs: int('timeout', values.timeout, DEFAULTS.timeoutMs / 1000) * 1000,
    },
  }
}

async function main(argv = process.argv.slice(2)) {
  let cli
  try {
    cli = parseCli(argv)
  } catch (err) {
    process.stderr.write(`${err.message}\nRun with --help for the options.\n`)
    return 2
  }
  if (cli.help) {
    process.stdout.write(HELP)
    return 0
  }
  if (cli.options.store.includes('/') || cli.options.store.includes('\\')) {
    process.stderr.write(`--store expects a name, not a path: '${cli.options.store}'\n`)
    return 2
  }
  if (cli.json) {
    const summary = await runCrawl(cli.options)
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
    return summary.ok ? 0 : 1
  }
  const progress = progressPrinter(process.stdout)
  const summary = await runCrawl({
    ...cli.options,
    progressIntervalMs: progress.intervalMs,
    onStart: (info) => process.stdout.write(`${startText(info)}\n`),
    onProgress: (s) => progress.update(s),
  })
  progress.end()
  process.stdout.write(`\n${summaryText(summary)}\n`)
  return summary.ok ? 0 : 1
}

module.exports = { runCrawl, main, parseCli, HELP }

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (err) => {
      process.stderr.write(`demo crawl failed: ${err && err.stack ? err.stack : err}\n`)
      process.exitCode = 1
    },
  )
}
