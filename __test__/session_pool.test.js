'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { EventEmitter } = require('node:events')
const pkg = require('session-pool-rs')
const { Session, SessionPool, openSessionPool, EVENT_SESSION_RETIRED, BLOCKED_STATUS_CODES } = pkg

test('module exports', () => {
  assert.equal(EVENT_SESSION_RETIRED, 'sessionRetired')
  assert.deepEqual(BLOCKED_STATUS_CODES, [401, 403, 429])
  assert.equal(typeof openSessionPool, 'function')
  assert.equal(SessionPool.name, 'SessionPool')
  assert.equal(Session.name, 'Session')
})

test('SessionPool is an EventEmitter', async () => {
  const pool = new SessionPool()
  assert.ok(pool instanceof EventEmitter)
  assert.ok(pool instanceof SessionPool)
  let got
  pool.once('x', (v) => { got = v })
  assert.equal(pool.emit('x', 1), true)
  assert.equal(got, 1)
  assert.equal(pool.listenerCount('x'), 0)
  const f = () => {}
  pool.on('y', f)
  pool.off('y', f)
  assert.equal(pool.listenerCount('y'), 0)
})

test('open, openSessionPool, new + initialize; methods before initialize reject', async () => {
  const a = await SessionPool.open({ maxPoolSize: 5 })
  assert.ok(a instanceof SessionPool)
  assert.ok((await a.getSession()) instanceof Session)
  const b = await openSessionPool({ maxPoolSize: 5 })
  assert.ok(b instanceof SessionPool)
  const c = new SessionPool()
  await assert.rejects(c.getSession(), { name: 'Error', message: 'SessionPool is not initialized.' })
  await assert.rejects(c.addSession(), { message: 'SessionPool is not initialized.' })
  await c.initialize()
  await c.initialize()
  assert.ok(await c.getSession())
  const d = await SessionPool.open()
  assert.equal(d.maxPoolSize, 1000)
})

test('allocation flow: creates until maxPoolSize, then picks usable sessions at random', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 3 })
  const created = [await pool.getSession(), await pool.getSession(), await pool.getSession()]
  assert.equal(new Set(created.map((s) => s.id)).size, 3)
  const seen = new Set()
  for (let i = 0; i < 300; i++) {
    const s = await pool.getSession()
    assert.ok(created.includes(s), 'the same Session object is returned (identity)')
    seen.add(s)
  }
  assert.equal(seen.size, 3, 'all sessions get picked')
  assert.equal(pool.usableSessionsCount, 3)
  assert.equal(pool.retiredSessionsCount, 0)
})

test('a retired pick evicts all unusable sessions and creates a new one', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 3 })
  const [a, b, c] = [await pool.getSession(), await pool.getSession(), await pool.getSession()]
  a.retire()
  b.markBad(); b.markBad(); b.markBad()
  assert.equal(pool.usableSessionsCount, 1)
  assert.equal(pool.retiredSessionsCount, 2)
  assert.equal(pool.getState().sessions.length, 3, 'unusable sessions stay until evicted')
  let fresh
  for (let i = 0; i < 500 && !fresh; i++) {
    const s = await pool.getSession()
    assert.ok(s.isUsable())
    if (s !== c) fresh = s
  }
  assert.ok(fresh, 'a new session was created after a retired pick')
  assert.notEqual(fresh, a)
  assert.notEqual(fresh, b)
  assert.equal(pool.retiredSessionsCount, 0)
  assert.deepEqual(pool.getState().sessions.map((s) => s.id), [c.id, fresh.id])
  assert.equal(await pool.getSession(a.id), undefined)
})

test('getSession(id): the usable session or undefined; empty id acts as no id', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 10 })
  const s = await pool.getSession()
  assert.equal(await pool.getSession(s.id), s)
  assert.equal(await pool.getSession('nope'), undefined)
  const e = await pool.getSession('')
  assert.ok(e instanceof Session)
  s.retire()
  assert.equal(await pool.getSession(s.id), undefined)
})

test('addSession: options or Session, duplicate id message, may exceed maxPoolSize', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 1 })
  await pool.addSession({ id: 'mine', userData: { x: 1 } })
  const mine = await pool.getSession('mine')
  assert.ok(mine instanceof Session)
  assert.deepEqual(mine.userData, { x: 1 })
  assert.equal(mine.sessionPool, pool)
  await assert.rejects(pool.addSession({ id: 'mine' }), {
    name: 'Error',
    message: "Cannot add session with id 'mine' as it already exists in the pool",
  })
  const own = new Session({ sessionPool: pool, id: 'own' })
  await pool.addSession(own)
  assert.equal(await pool.getSession('own'), own)
  await assert.rejects(pool.addSession(new Session({ sessionPool: pool, id: 'own' })), {
    message: "Cannot add session with id 'own' as it already exists in the pool",
  })
  assert.equal(pool.usableSessionsCount, 2)
  await pool.addSession()
  assert.equal(pool.usableSessionsCount, 3)
})

test('addSession on a full pool evicts unusable sessions first', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 2 })
  const a = await pool.getSession()
  await pool.getSession()
  a.retire()
  await pool.addSession({ id: 'n' })
  assert.equal(pool.retiredSessionsCount, 0)
  assert.equal(pool.getState().sessions.length, 2)
})

test('counters follow marks, retirement and expiry', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 10, sessionOptions: { maxAgeSecs: 0.2 } })
  const s = []
  for (let i = 0; i < 4; i++) s.push(await pool.getSession())
  s[0].retire()
  s[1].markBad(); s[1].markBad(); s[1].markBad()
  assert.deepEqual([pool.usableSessionsCount, pool.retiredSessionsCount], [2, 2])
  await new Promise((r) => setTimeout(r, 300))
  assert.deepEqual([pool.usableSessionsCount, pool.retiredSessionsCount], [0, 4], 'expired sessions count as retired')
})

test('sessionRetired: emitted on the pool with the Session, once, and a listener may call back into the pool', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 5 })
  const events = []
  pool.on(EVENT_SESSION_RETIRED, (session) => {
    events.push({ session, usable: pool.usableSessionsCount, retired: pool.retiredSessionsCount, state: pool.getState().sessions.length })
  })
  const s = await pool.getSession()
  const t = await pool.getSession()
  s.retire()
  s.retire()
  t.markBad(); t.markBad(); t.markBad(); t.markBad()
  assert.equal(events.length, 2)
  assert.equal(events[0].session, s)
  assert.equal(events[1].session, t)
  assert.deepEqual([events[0].usable, events[0].retired], [1, 1])
  assert.deepEqual([events[1].usable, events[1].retired], [0, 2])
  // A listener that gets a new session from within the event.
  const pool2 = await SessionPool.open({ maxPoolSize: 1 })
  const got = []
  pool2.on('sessionRetired', () => { pool2.getSession().then((x) => got.push(x)) })
  const only = await pool2.getSession()
  only.retire()
  await new Promise((r) => setImmediate(r))
  assert.equal(got.length, 1)
  assert.notEqual(got[0], only)
  assert.ok(got[0].isUsable())
})

test('createSessionFunction: sync or async, receives (pool, { sessionOptions }), errors reach the caller unchanged', async () => {
  const calls = []
  const sync = await SessionPool.open({
    maxPoolSize: 2,
    createSessionFunction: (pool, opts) => {
      calls.push([pool, opts])
      return new Session({ sessionPool: pool, userData: { made: 'sync' } })
    },
  })
  const a = await sync.getSession()
  assert.deepEqual(a.userData, { made: 'sync' })
  assert.equal(calls[0][0], sync)
  assert.deepEqual(calls[0][1], { sessionOptions: {} })
  await sync.addSession({ id: 'x' })
  assert.deepEqual(calls[1][1], { sessionOptions: { id: 'x' } })

  const asyncPool = await SessionPool.open({
    createSessionFunction: async (pool) => {
      await new Promise((r) => setTimeout(r, 5))
      return new Session({ sessionPool: pool, id: 'async-made' })
    },
  })
  const b = await asyncPool.getSession()
  assert.equal(b.id, 'async-made')
  assert.equal(await asyncPool.getSession('async-made'), b)

  class MyError extends Error {}
  const mine = new MyError('boom')
  const throwing = await SessionPool.open({ createSessionFunction: () => { throw mine } })
  await assert.rejects(throwing.getSession(), (e) => e === mine)
  const rejecting = await SessionPool.open({ createSessionFunction: async () => { throw mine } })
  await assert.rejects(rejecting.getSession(), (e) => e === mine)
  await assert.rejects(rejecting.getSession(), (e) => e === mine, 'the queue is released after a rejection')
})

test('a session the pool makes has the fields of a constructed one, in the same order, with its pool', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 2, persistenceOptions: { enable: false } })
  const made = await pool.getSession()
  const constructed = new pkg.Session({ sessionPool: pool })
  assert.ok(made instanceof pkg.Session)
  assert.deepEqual(Object.keys(made), ['id', 'maxAgeSecs', 'userData', 'sessionPool'])
  assert.deepEqual(Object.keys(made), Object.keys(constructed))
  assert.equal(made.sessionPool, pool)
  assert.deepEqual(made.userData, {})
  assert.equal(made.maxAgeSecs, 3000)
  assert.match(made.id, /^session_[A-Za-z0-9]{10}$/)
  await pool.teardown({ persistState: false })
})

test('sessionOptions apply to every session; each session gets its own userData copy', async () => {
  const userData = { tags: ['a'] }
  const pool = await SessionPool.open({ maxPoolSize: 3, sessionOptions: { maxAgeSecs: 10, maxUsageCount: 7, maxErrorScore: 2, userData } })
  const a = await pool.getSession()
  const b = await pool.getSession()
  assert.deepEqual([a.maxAgeSecs, a.maxUsageCount, a.maxErrorScore], [10, 7, 2])
  assert.equal(Math.round((a.expiresAt - a.createdAt) / 1000), 10)
  assert.deepEqual(a.userData, { tags: ['a'] })
  assert.notEqual(a.userData, b.userData)
  a.userData.tags.push('b')
  assert.deepEqual(b.userData, { tags: ['a'] })
  assert.deepEqual(userData, { tags: ['a'] })
  await pool.addSession({ id: 'z', maxUsageCount: 99 })
  const z = await pool.getSession('z')
  assert.deepEqual([z.maxUsageCount, z.maxAgeSecs], [99, 10])
})

test('getState of the pool', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 3 })
  const a = await pool.getSession()
  await pool.getSession()
  a.retire()
  const st = pool.getState()
  assert.deepEqual(Object.keys(st), ['usableSessionsCount', 'retiredSessionsCount', 'sessions'])
  assert.deepEqual([st.usableSessionsCount, st.retiredSessionsCount, st.sessions.length], [1, 1, 2])
  assert.equal(st.sessions[0].id, a.id)
  assert.equal(st.sessions[0].errorScore, 3)
})

test('teardown resolves and the pool stays readable', async () => {
  const pool = await SessionPool.open()
  await pool.getSession()
  await pool.teardown()
  await pool.teardown({ persistState: false })
  assert.equal(pool.usableSessionsCount, 1)
})

test('a session can belong to one pool only', async () => {
  const p1 = await SessionPool.open()
  const p2 = await SessionPool.open()
  const s = await p1.getSession()
  await assert.rejects(p2.addSession(s), /already belongs to a SessionPool/)
})

test('sessions, sessionOptions and isInitialized', async () => {
  const pool = new SessionPool({ maxPoolSize: 3, sessionOptions: { maxAgeSecs: 60 }, persistenceOptions: { enable: false } })
  assert.equal(pool.isInitialized, false)
  await pool.initialize()
  assert.equal(pool.isInitialized, true)
  const a = await pool.getSession()
  const b = await pool.getSession()
  assert.deepEqual(pool.sessions, [a, b])
  a.retire()
  assert.deepEqual(pool.sessions, [a, b], 'retired sessions stay until evicted')
  assert.deepEqual(pool.sessionOptions, { maxAgeSecs: 60 })
  pool.sessionOptions.maxAgeSecs = 1
  assert.deepEqual(pool.sessionOptions, { maxAgeSecs: 60 }, 'a copy')
})

test('a teardown while initialize() is loading leaves no persistence timer behind', async () => {
  const fs = require('node:fs')
  const os = require('node:os')
  const path = require('node:path')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-td-'))
  const before = process.env.CRAWLEE_STORAGE_DIR
  process.env.CRAWLEE_STORAGE_DIR = dir
  try {
    const pool = new SessionPool({ persistStateKeyValueStoreId: 'td', persistStateIntervalMillis: 10 })
    const init = pool.initialize()
    await pool.teardown({ persistState: false })
    await init
    await pool.getSession()
    await new Promise((r) => setTimeout(r, 150))
    const file = path.join(dir, 'key_value_stores', 'td', 'SDK_SESSION_POOL_STATE.json')
    assert.equal(fs.existsSync(file), false, 'no timer wrote the state after teardown')
    await pool.persistState()
    assert.equal(fs.existsSync(file), true, 'an explicit persist still writes')
  } finally {
    if (before === undefined) delete process.env.CRAWLEE_STORAGE_DIR
    else process.env.CRAWLEE_STORAGE_DIR = before
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('marks of a session the pool no longer holds never reach the session that took its slot', async () => {
  // The pool's marks go straight to a slot only while the pool holds that very session there.
  const pool = await SessionPool.open({ maxPoolSize: 1, persistenceOptions: { enable: false } })
  const retiredEvents = []
  pool.on(EVENT_SESSION_RETIRED, (s) => retiredEvents.push(s.id))
  const old = await pool.getSession()
  assert.equal(await pool.getSession(), old)
  // As Crawlee's async method: a new promise per call, of the same session.
  const [first, second] = [pool.getSession(), pool.getSession()]
  assert.ok(first instanceof Promise)
  assert.notEqual(first, second)
  assert.equal(await first, old)
  assert.equal(await second, old)
  old.retire()
  const fresh = await pool.getSession()
  assert.notEqual(fresh, old)
  // The slot's new occupant is what getSession() gives from now on (nothing of the old one is reused).
  assert.equal(await pool.getSession(), fresh)
  assert.equal(await pool.getSession(fresh.id), fresh)
  assert.equal(pool.sessions.length, 1, 'the retired session was evicted, its slot reused')
  // The same marks on a session that was never in a pool give the reference figures.
  const reference = new Session({ id: 'reference' })
  for (const s of [old, reference]) {
    if (s === reference) s.retire()
    s.markBad()
    s.markBad()
    s.markGood()
  }
  assert.equal(fresh.errorScore, 0)
  assert.equal(fresh.usageCount, 0)
  assert.equal(old.errorScore, reference.errorScore)
  assert.equal(old.usageCount, reference.usageCount)
  assert.deepEqual(retiredEvents, [old.id])
  fresh.markBad()
  assert.equal(fresh.errorScore, 1)
  assert.equal(old.errorScore, reference.errorScore)
})

test('marks go to the same session state by either route, with the same events and errors', async () => {
  const emitter = new EventEmitter()
  const events = []
  emitter.on(EVENT_SESSION_RETIRED, (s) => events.push(['emitter', s.id]))
  const pool = await SessionPool.open({ maxPoolSize: 3, persistenceOptions: { enable: false } })
  pool.on(EVENT_SESSION_RETIRED, (s) => events.push(['pool', s.id]))
  // Not in a pool: the native method; its sessionPool (any EventEmitter) hears the retirement.
  const alone = new Session({ id: 'alone', sessionPool: emitter, maxErrorScore: 2 })
  alone.markBad(); alone.markBad(); alone.markBad()
  // Added to the pool: the pool's slot route; the event goes to the session's own sessionPool.
  const added = new Session({ id: 'added', sessionPool: emitter, maxErrorScore: 2 })
  await pool.addSession(added)
  assert.equal(await pool.getSession('added'), added)
  added.markBad(); added.markGood(); added.markBad(); added.markBad()
  assert.equal(await pool.getSession('added'), undefined, 'retired by its marks')
  const own = await pool.getSession()
  own.retire()
  assert.deepEqual(events, [['emitter', 'alone'], ['emitter', 'added'], ['pool', own.id]])
  // Both routes reach the same figures as a session outside any pool given the same marks.
  const reference = new Session({ id: 'reference', maxErrorScore: 2 })
  reference.markBad(); reference.markGood(); reference.markBad(); reference.markBad()
  assert.deepEqual([added.errorScore, added.usageCount, added.isUsable()],
    [reference.errorScore, reference.usageCount, false])
  assert.equal(alone.isUsable(), false)
  // A throwing listener reaches the caller of the mark, after the session is retired.
  const thrower = await pool.getSession()
  pool.removeAllListeners(EVENT_SESSION_RETIRED)
  pool.on(EVENT_SESSION_RETIRED, () => { throw new Error('listener failed') })
  assert.throws(() => thrower.retire(), /listener failed/)
  assert.equal(thrower.isUsable(), false)
  assert.doesNotThrow(() => thrower.retire(), 'retired once: no second event')
  // Wrong receivers: the same TypeError as the native methods.
  for (const m of ['markGood', 'markBad', 'retire']) {
    assert.throws(() => Session.prototype[m].call({}), { name: 'TypeError', message: 'Illegal invocation' })
    assert.throws(() => Session.prototype[m].call(undefined), TypeError)
  }
})

test('a dropped pool lets its sessions go when it is collected, not only when a full GC comes', async () => {
  // Pools filled and dropped in a loop that yields to the event loop (as a program doing I/O does): the pool
  // objects are collected young, and so are their sessions now. Before, each pool's sessions waited for its
  // native helper functions to be collected by a full GC. RSS growth over the 160 pools measured on the dev
  // machine, Node 20 / 22 / 24: before 74 / 103 / 176 MB, now 10-16 / 21-24 / 28-31 MB. (Memory, not time: the
  // bound does not depend on the machine's speed.)
  const POOLS = 160
  const cookies = ['a', 'b', 'c', 'd', 'e'].map((name, i) => `${name}=${String(i).repeat(40)}; Path=/; Max-Age=3600`)
  const dropOnePool = async () => {
    const pool = await SessionPool.open({ maxPoolSize: 1000, persistenceOptions: { enable: false } })
    for (let i = 0; i < 1000; i++) {
      const session = await pool.getSession()
      for (const c of cookies) session.setCookie(c, 'https://www.example.com/')
    }
    await pool.teardown()
  }
  // Warm up: the allocator's and V8's own one-off growth stays out of the measure.
  for (let r = 0; r < 20; r++) {
    await dropOnePool()
    await new Promise((resolve) => setImmediate(resolve))
  }
  const before = process.memoryUsage().rss
  for (let r = 0; r < POOLS; r++) {
    await dropOnePool()
    await new Promise((resolve) => setImmediate(resolve))
  }
  const grownMB = (process.memoryUsage().rss - before) / 1e6
  assert.ok(grownMB < 50, `RSS grew by ${grownMB.toFixed(0)} MB over ${POOLS} dropped pools of 1000 sessions`)
})

test('sessions the pool makes are Session objects that live while referenced and are collected after', () => {
  // The pool makes its session objects itself (src/session_object.rs), not through the class's generated factory.
  // Run in a child process with --expose-gc: the test runner's own async tracking keeps resolved promises (and
  // so the sessions they resolved to) reachable here.
  const { spawnSync } = require('node:child_process')
  const script = `
    const assert = require('node:assert/strict')
    const { SessionPool, Session } = require(${JSON.stringify(require.resolve('session-pool-rs'))})
    const url = 'https://www.example.com/'
    // In a function of its own, whose frame is gone when it returns.
    const fillAndDrop = async () => {
      const other = await SessionPool.open({ maxPoolSize: 40, persistenceOptions: { enable: false } })
      const refs = []
      for (let i = 0; i < 40; i++) refs.push(new WeakRef(await other.getSession()))
      await other.teardown()
      return refs
    }
    ;(async () => {
      const pool = await SessionPool.open({ maxPoolSize: 40, persistenceOptions: { enable: false } })
      const kept = []
      for (let i = 0; i < 40; i++) {
        const s = await pool.getSession()
        s.setCookie('k=' + i + '; Path=/', url)
        kept.push(s)
      }
      const dropped = await fillAndDrop()
      // deref() keeps its target alive to the end of the current job: each GC runs in a later job than the check.
      const tick = () => new Promise((resolve) => setTimeout(resolve, 10))
      const deadline = Date.now() + 20000
      for (;;) {
        gc()
        await tick()
        if (!dropped.some((r) => r.deref() !== undefined) || Date.now() > deadline) break
        await tick()
      }
      for (const [i, s] of kept.entries()) {
        assert.ok(s instanceof Session)
        assert.equal(Object.getPrototypeOf(s), Session.prototype)
        assert.equal(s.getCookieString(url), 'k=' + i)
        s.markGood()
        assert.equal(s.usageCount, 1)
        assert.equal(Session.prototype.isUsable.call(s), true)
      }
      assert.throws(() => Session.prototype.isUsable.call({}), TypeError)
      console.log(JSON.stringify({ alive: dropped.filter((r) => r.deref() !== undefined).length, usable: pool.usableSessionsCount }))
    })().catch((err) => { console.error(err); process.exit(1) })
  `
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 60_000 })
  assert.equal(child.status, 0, child.stderr)
  assert.deepEqual(JSON.parse(child.stdout), { alive: 0, usable: 40 })
})

test('a session that expires among long-lived ones is never handed out after its time, and a mark then retires it', async () => {
  // Picks and marks read the kernel's coarse clock when no expiry is near (crates/session-pool-core/src/clock.rs):
  // the one short-lived session must still count, whatever the others' expiries.
  const pool = await SessionPool.open({ maxPoolSize: 20, persistenceOptions: { enable: false }, sessionOptions: { maxAgeSecs: 3000 } })
  for (let i = 0; i < 19; i++) await pool.getSession()
  await pool.addSession({ id: 'short', maxAgeSecs: 0.15 })
  const short = await pool.getSession('short')
  assert.ok(short.isUsable())
  const retired = []
  pool.on('sessionRetired', (s) => retired.push(s.id))
  await new Promise((r) => setTimeout(r, 250))
  assert.equal(short.isExpired(), true)
  for (let i = 0; i < 400; i++) assert.notEqual((await pool.getSession()).id, 'short')
  assert.equal(await pool.getSession('short'), undefined)
  // A pick that landed on it evicted it and made a new session in its place; else it is still counted as retired.
  const kept = pool.getState().sessions.some((st) => st.id === 'short')
  assert.equal(pool.retiredSessionsCount, kept ? 1 : 0)
  assert.equal(pool.usableSessionsCount, kept ? 19 : 20)
  // Marks of a far-from-expiry session keep it usable; a mark of the expired one retires it.
  const other = await pool.getSession()
  other.markGood()
  assert.ok(other.isUsable())
  short.markGood()
  assert.deepEqual(retired, ['short'])
})
