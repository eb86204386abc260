'use strict'
// Crash safety: a child process persisting in a loop (helpers/persist_loop_child.js) is killed with SIGKILL
// at seeded random moments, KILLS times, restarted each time on the same named store. After each kill the
// state must parse, load in our pool without a warning, and be exactly the state of the last persist the
// child reported as completed, or of the one it had begun (a kill after the rename, before the report).
// Since sessions are only ever added, that is "at least the sessions of the last completed persist".
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')

const { SessionPool } = require('session-pool-rs')

const KILLS = 50
const SEED = 0x5eed2024
const CHILD = path.join(__dirname, 'helpers', 'persist_loop_child.js')
const TEMP_NAME = /^\.SDK_SESSION_POOL_STATE\.json\..*\.tmp$/

for (const name of Object.keys(process.env)) {
  if (name.startsWith('CRAWLEE_')) delete process.env[name]
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-persist-crash-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
const storeDir = path.join(dir, 'key_value_stores', 'crash')
const file = path.join(storeDir, 'SDK_SESSION_POOL_STATE.json')

function rng(seed) {
  let x = seed >>> 0
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 2 ** 32
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Starts the child; `ready` resolves at its `L` line, `closed` at its exit with everything it printed. */
function start(run, seed) {
  const env = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('CRAWLEE_')) env[name] = value
  env.CRAWLEE_STORAGE_DIR = dir
  const child = spawn(process.execPath, [CHILD, String(run), String(seed)], {
    cwd: path.join(__dirname, '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let onReady
  const ready = new Promise((resolve) => (onReady = resolve))
  child.stdout.on('data', (d) => {
    stdout += d
    if (/^L \d+$/m.test(stdout)) onReady(true)
  })
  child.stderr.on('data', (d) => (stderr += d))
  const closed = new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      onReady(false)
      resolve({ code, signal, stdout, stderr })
    })
  })
  return { child, ready, closed }
}

/** The child's complete lines, as [{ kind, seq, count, added }]; a torn last line is ignored. */
function parseLines(stdout) {
  const lines = stdout.split('\n')
  lines.pop()
  return lines.map((line) => {
    const [kind, a, b, c] = line.split(' ')
    if (kind === 'L') return { kind, count: Number(a) }
    if (kind === 'B') return { kind, seq: Number(a), count: Number(b), added: c ? c.split(',') : [] }
    if (kind === 'D') return { kind, seq: Number(a) }
    throw new Error(`unexpected line from the child: ${JSON.stringify(line)}`)
  })
}

function fileIds() {
  if (!fs.existsSync(file)) return null
  const state = JSON.parse(fs.readFileSync(file, 'utf8'))
  assert.ok(Array.isArray(state.sessions), 'the state has a sessions array')
  return state.sessions.map((s) => s.id)
}

const tempCounts = []
let crashTestRan = false

test(`a pool persisting in a loop, killed with SIGKILL ${KILLS} times, always leaves a loadable state with every session of the last completed persist`, { timeout: 300_000 }, async (t) => {
  const random = rng(SEED)
  let expected = null // ids of the state on disk as the parent last verified it (null: no file yet)
  const stats = { killedInsidePersist: 0, newStateAfterLastReport: 0, completedPersists: 0, killedBeforeReady: 0 }
  const started = Date.now()

  for (let run = 0; run < KILLS; run++) {
    const fromSpawn = random() < 0.2
    const delay = Math.floor(random() * (fromSpawn ? 600 : 250))
    const proc = start(run, Math.floor(random() * 2 ** 31) + 1)
    if (!fromSpawn) {
      let timer
      const ready = await Promise.race([proc.ready, new Promise((resolve) => (timer = setTimeout(resolve, 60_000, 'timeout')))])
      clearTimeout(timer)
      assert.notEqual(ready, 'timeout', `run ${run}: the child did not open its pool within 60 s`)
    }
    await sleep(delay)
    proc.child.kill('SIGKILL')
    const { code, signal, stdout, stderr } = await proc.closed
    assert.equal(signal, 'SIGKILL', `run ${run}: the child ended on its own (code ${code})\n${stderr}`)

    // What the child reported: the id set of every persist it began, and which ones completed.
    const lines = parseLines(stdout)
    const loadedLine = lines.find((l) => l.kind === 'L')
    if (!loadedLine) stats.killedBeforeReady++
    else assert.equal(loadedLine.count, expected === null ? 0 : expected.length, `run ${run}: the child loaded the state the parent verified`)
    const sets = new Map()
    let current = expected === null ? [] : [...expected]
    let lastBegun = 0
    let lastDone = 0
    for (const l of lines) {
      if (l.kind === 'B') {
        current = [...current, ...l.added]
        assert.equal(current.length, l.count, `run ${run}: B ${l.seq} counts add up`)
        sets.set(l.seq, current)
        lastBegun = l.seq
      } else if (l.kind === 'D') {
        assert.equal(l.seq, lastBegun, `run ${run}: D ${l.seq} follows its B`)
        lastDone = l.seq
      }
    }
    stats.completedPersists += lastDone
    const candidates = []
    candidates.push(lastDone > 0 ? sets.get(lastDone) : expected)
    if (lastBegun > lastDone) candidates.push(sets.get(lastBegun))

    // The file: parses, and is one of the candidate states, id for id.
    let ids
    try {
      ids = fileIds()
    } catch (err) {
      assert.fail(`run ${run}: the state does not parse after the kill: ${err.message}`)
    }
    const matches = candidates.map((c) => c !== null && ids !== null && c.length === ids.length && c.every((id, i) => id === ids[i]))
    const bothAbsent = ids === null && candidates[0] === null
    assert.ok(
      bothAbsent || matches.some(Boolean),
      `run ${run}: the file holds ${ids === null ? 'nothing' : `${ids.length} sessions`}, expected ${candidates
        .map((c) => (c === null ? 'no file' : `${c.length} sessions`))
        .join(' or ')} (last completed persist ${lastDone}, last begun ${lastBegun})`,
    )
    if (lastBegun > lastDone) stats.killedInsidePersist++
    if (matches[1]) stats.newStateAfterLastReport++
    if (ids !== null && candidates[0] !== null) {
      const have = new Set(ids)
      for (const id of candidates[0]) assert.ok(have.has(id), `run ${run}: ${id} of the last completed persist is in the file`)
    }

    // Our pool loads it, without a warning, every session usable.
    if (ids !== null) {
      const warnings = []
      process.env.CRAWLEE_STORAGE_DIR = dir
      const pool = await SessionPool.open({
        persistStateKeyValueStoreId: 'crash',
        log: { warning: (m) => warnings.push(String(m)), debug: () => {} },
      })
      try {
        assert.deepEqual(warnings, [], `run ${run}: loading warned`)
        assert.deepEqual(pool.getState().sessions.map((s) => s.id), ids, `run ${run}: our pool loads every session`)
        assert.equal(pool.usableSessionsCount, ids.length)
        const first = await pool.getSession(ids[0])
        assert.match(first.getCookieString('https://example.com/'), /\S/, `run ${run}: cookies are back`)
        assert.equal(typeof first.userData.nested.hits, 'number')
      } finally {
        await pool.teardown({ persistState: false })
      }
    }
    expected = ids

    const temps = fs.existsSync(storeDir) ? fs.readdirSync(storeDir).filter((n) => TEMP_NAME.test(n)) : []
    tempCounts.push({ run, count: temps.length, killedInsidePersist: lastBegun > lastDone })
    const others = fs.existsSync(storeDir) ? fs.readdirSync(storeDir).filter((n) => !TEMP_NAME.test(n) && n !== 'SDK_SESSION_POOL_STATE.json') : []
    assert.deepEqual(others, [], `run ${run}: nothing else appeared in the store (no corrupt-* file)`)
  }

  crashTestRan = true
  assert.ok(stats.completedPersists > 0, 'the children completed at least one persist')
  assert.ok(expected !== null && expected.length >= 300, 'the state holds the filled pool')
  t.diagnostic(
    `${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s; ${stats.completedPersists} completed persists; ` +
      `${stats.killedInsidePersist} kills inside a persist (${stats.newStateAfterLastReport} of them after the rename); ` +
      `${stats.killedBeforeReady} before the pool opened; final state ${expected.length} sessions`,
  )
})

test('killed writers leave no more temporary files than a single kill can', (t) => {
  assert.ok(crashTestRan || tempCounts.length > 0, 'the crash test ran')
  const worst = tempCounts.reduce((max, c) => Math.max(max, c.count), 0)
  const withTemps = tempCounts.filter((c) => c.count > 0).length
  t.diagnostic(`temporary files after each kill: max ${worst}, runs with any: ${withTemps}/${tempCounts.length}; counts ${tempCounts.map((c) => c.count).join(',')}`)
  for (const c of tempCounts) {
    assert.ok(c.count <= 1, `after kill ${c.run}, ${c.count} temporary files '.SDK_SESSION_POOL_STATE.json.*.tmp' are in ${storeDir}; a single kill leaves at most 1`)
  }
})
