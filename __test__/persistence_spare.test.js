'use strict'
// The default store's writes go over the record's previous file (its spare, kept in a hidden folder of the
// store) instead of a new file: what a user, a reader of the record and Crawlee itself can see of that.

const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')

const { SessionPool } = require('session-pool-rs')

const KEY = 'SDK_SESSION_POOL_STATE'
const SPARE_FOLDER = '.session-pool-rs-spare'
const CRAWLEE_CHILD = path.join(__dirname, 'helpers', 'persist_crawlee_child.js')
const ROOT = path.join(__dirname, '..')

for (const name of Object.keys(process.env)) {
  if (name.startsWith('CRAWLEE_')) delete process.env[name]
}

const dirs = []
function tmpDir(tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `spr-spare-${tag}-`))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

const storeDir = (dir, store) => path.join(dir, 'key_value_stores', store)
const recordOf = (dir, store) => path.join(storeDir(dir, store), `${KEY}.json`)
const spareOf = (dir, store) => path.join(storeDir(dir, store), SPARE_FOLDER, `${KEY}.json.spare`)
const ids = (text) => JSON.parse(text).sessions.map((s) => s.id)

async function openOurs(dir, options) {
  process.env.CRAWLEE_STORAGE_DIR = dir
  return SessionPool.open(options)
}

/** Crawlee's side, in a fresh process (it reads CRAWLEE_STORAGE_DIR once). */
function runCrawlee(args, dir) {
  const env = { ...process.env, CRAWLEE_STORAGE_DIR: dir, CRAWLEE_PURGE_ON_START: '0' }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CRAWLEE_CHILD, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = stdout.split('\n').find((l) => l.startsWith('@@RESULT@@'))
      if (code !== 0 || !line) reject(new Error(`crawlee child ${args.join(' ')} failed (${code})\n${stderr}`))
      else resolve(JSON.parse(line.slice('@@RESULT@@'.length)))
    })
  })
}

test('successive persists alternate between two files, each complete, and the state is always the latest', async () => {
  const dir = tmpDir('alternate')
  const pool = await openOurs(dir, { persistStateKeyValueStoreId: 'alt' })
  const record = recordOf(dir, 'alt')
  const inodes = []
  try {
    for (let i = 0; i < 6; i++) {
      // Lengths go up and down, so the file written over is cut to length as well as grown.
      await pool.addSession({ id: `s${i}`, userData: { pad: 'x'.repeat(i % 2 ? 5000 : 10) } })
      await pool.persistState()
      const text = fs.readFileSync(record, 'utf8')
      assert.deepEqual(JSON.parse(text), pool.getState(), `persist ${i}: the record is the state`)
      assert.equal(text, JSON.stringify(pool.getState(), null, 2))
      inodes.push(fs.statSync(record).ino)
    }
    // From the first write that had a previous record, that record is kept and written over by the next.
    assert.equal(fs.existsSync(spareOf(dir, 'alt')), true, 'a spare exists while the pool is open')
    assert.equal(inodes[3], inodes[1], 'the fourth write went over the file of the second')
    assert.equal(inodes[4], inodes[2])
    assert.notEqual(inodes[4], inodes[3])
  } finally {
    await pool.teardown({ persistState: false })
  }
  assert.deepEqual(fs.readdirSync(storeDir(dir, 'alt')), [`${KEY}.json`], 'teardown leaves only the record')
})

test('a reader that holds an earlier record open keeps reading what it opened', async () => {
  const dir = tmpDir('reader')
  const pool = await openOurs(dir, { persistStateKeyValueStoreId: 'reader' })
  const record = recordOf(dir, 'reader')
  try {
    await pool.addSession({ id: 'first' })
    await pool.persistState()
    await pool.addSession({ id: 'second' })
    await pool.persistState()
    // This file becomes the spare at the next write: a writer must not go over it while it is open here.
    const fd = fs.openSync(record, 'r')
    const opened = fs.readFileSync(record, 'utf8')
    try {
      for (let i = 0; i < 4; i++) {
        await pool.addSession({ id: `later${i}` })
        await pool.persistState()
        assert.deepEqual(ids(fs.readFileSync(record, 'utf8')), ['first', 'second', ...Array.from({ length: i + 1 }, (_, j) => `later${j}`)])
        const size = fs.fstatSync(fd).size
        const buffer = Buffer.alloc(size)
        fs.readSync(fd, buffer, 0, size, 0)
        assert.equal(buffer.toString('utf8'), opened, `after write ${i}, the open file still holds what it held`)
      }
    } finally {
      fs.closeSync(fd)
    }
  } finally {
    await pool.teardown({ persistState: false })
  }
})

test("with a spare in the store, Crawlee lists only the pool's key and its SessionPool loads the state", { timeout: 180_000 }, async () => {
  const dir = tmpDir('crawlee')
  const pool = await openOurs(dir, { persistStateKeyValueStoreId: 'both' })
  try {
    for (let i = 0; i < 3; i++) {
      await pool.addSession({ id: `c${i}`, userData: { i } })
      await pool.persistState()
    }
    assert.equal(fs.existsSync(spareOf(dir, 'both')), true)
    const listed = await runCrawlee(['keys', 'both'], dir)
    assert.deepEqual(listed.keys, [KEY])
    const read = await runCrawlee(['read', 'both'], dir)
    assert.deepEqual(read.ids, ['c0', 'c1', 'c2'])
  } finally {
    await pool.teardown({ persistState: false })
  }
})

test('resetStore() removes the spare with the record, and the next open removes one left by a pool that did not tear down', async () => {
  const dir = tmpDir('reset')
  const a = await openOurs(dir, { persistStateKeyValueStoreId: 'reset' })
  await a.addSession({ id: 'a1' })
  await a.persistState()
  await a.persistState()
  assert.equal(fs.existsSync(spareOf(dir, 'reset')), true)
  await a.resetStore()
  assert.deepEqual(fs.readdirSync(storeDir(dir, 'reset')), [], 'no record, no spare, no folder')

  await a.persistState()
  await a.persistState()
  assert.equal(fs.existsSync(spareOf(dir, 'reset')), true)
  // As a process killed without a teardown would leave it: the next pool to open the record cleans up.
  const b = await openOurs(dir, { persistStateKeyValueStoreId: 'reset' })
  try {
    assert.equal(fs.existsSync(path.join(storeDir(dir, 'reset'), SPARE_FOLDER)), false)
    assert.deepEqual(b.getState().sessions.map((s) => s.id), ['a1'])
  } finally {
    await b.teardown({ persistState: false })
    await a.teardown({ persistState: false })
  }
})

test('a pool persisting into a keyValueStore object makes no spare, and tearing down a pool that never wrote leaves a spare of another alone', async () => {
  const dir = tmpDir('kvs')
  const saved = new Map()
  const keyValueStore = { getValue: async (k) => saved.get(k) ?? null, setValue: async (k, v) => void saved.set(k, v) }
  const own = await openOurs(dir, { keyValueStore })
  await own.addSession({ id: 'k1' })
  await own.persistState()
  await own.persistState()
  await own.teardown()
  assert.equal(fs.existsSync(path.join(dir, 'key_value_stores')), false, 'nothing written to the default store')

  const writer = await openOurs(dir, { persistStateKeyValueStoreId: 'shared' })
  await writer.addSession({ id: 'w1' })
  await writer.persistState()
  await writer.persistState()
  const reader = await openOurs(dir, { persistStateKeyValueStoreId: 'shared', persistenceOptions: { enable: false } })
  await writer.persistState()
  await writer.persistState()
  assert.equal(fs.existsSync(spareOf(dir, 'shared')), true)
  await reader.teardown()
  assert.equal(fs.existsSync(spareOf(dir, 'shared')), true, "a pool that never wrote does not take the writer's spare")
  await writer.teardown()
  assert.deepEqual(fs.readdirSync(storeDir(dir, 'shared')), [`${KEY}.json`])
})
