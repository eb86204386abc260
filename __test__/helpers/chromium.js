'use strict'
// Finds and launches Debian's chromium through playwright-core, for the browser tests.
//
// CI installs chromium (scripts/install-deps.sh), so there a missing browser is an error; on a developer's machine
// without it the browser tests are skipped with the reason. Use it as:
//
//   const chromium = require('./helpers/chromium')
//   describe('...', { skip: chromium.skipReason() }, () => {
//     before(async () => { browser = await chromium.launch() })   // throws a clear error in CI when missing
//     after(() => chromium.close(browser))
//   })
const fs = require('node:fs')

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
]
const LAUNCH_TIMEOUT_MS = 30_000
const CLOSE_TIMEOUT_MS = 10_000

let playwrightError
let playwright
try {
  playwright = require('playwright-core')
} catch (err) {
  playwrightError = err
}

/** Why a browser cannot be launched here, or null when it can. */
function unavailableReason() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    return `chromium not found at ${CHROMIUM_PATH} (install it: apt-get install -y --no-install-recommends chromium, or run scripts/install-deps.sh)`
  }
  if (!playwright) return `playwright-core cannot be loaded (${playwrightError.message}); run npm ci`
  return null
}

/**
 * The `skip` option for a browser test: the reason when the browser is missing outside CI, otherwise false (in CI a
 * missing browser must fail the test, which `launch` does).
 */
function skipReason() {
  if (process.env.CI) return false
  return unavailableReason() || false
}

/** Throws a clear error when the browser cannot be launched. */
function assertAvailable() {
  const reason = unavailableReason()
  if (reason) {
    throw new Error(`${reason}${process.env.CI ? '. CI is set: the browser tests must run here, so this is an error.' : ''}`)
  }
}

/** Launches headless chromium (a playwright-core `Browser`), bounded in time. */
async function launch(options = {}) {
  assertAvailable()
  return playwright.chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
    ...options,
  })
}

/** Closes a browser (or context) if it is open, giving up after a bound rather than hanging the test run. */
async function close(target) {
  if (!target) return
  let timer
  const bound = new Promise((resolve) => {
    timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)
  })
  try {
    await Promise.race([target.close().catch(() => {}), bound])
  } finally {
    clearTimeout(timer)
  }
}

module.exports = { CHROMIUM_PATH, CHROMIUM_ARGS, unavailableReason, skipReason, assertAvailable, launch, close }
