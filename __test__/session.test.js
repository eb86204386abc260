'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { EventEmitter } = require('node:events')
const { Session, SessionPool, EVENT_SESSION_RETIRED } = require('session-pool-rs')

const emitter = () => new EventEmitter()

test('defaults match Crawlee', () => {
  const before = Date.now()
  const s = new Session({ sessionPool: emitter() })
  const after = Date.now()
  assert.match(s.id, /^session_[A-Za-z0-9]{10}$/)
  assert.equal(s.maxAgeSecs, 3000)
  assert.equal(s.maxErrorScore, 3)
  assert.equal(s.errorScoreDecrement, 0.5)
  assert.equal(s.maxUsageCount, 50)
  assert.equal(s.usageCount, 0)
  assert.equal(s.errorScore, 0)
  assert.deepEqual(s.userData, {})
  assert.ok(s.createdAt instanceof Date)
  assert.ok(s.createdAt.getTime() >= before - 1 && s.createdAt.getTime() <= after + 1)
  assert.equal(s.expiresAt.getTime() - s.createdAt.getTime(), 3000 * 1000)
  assert.equal(s.isUsable(), true)
  assert.equal(s.isBlocked(), false)
  assert.equal(s.isExpired(), false)
  assert.equal(s.isMaxUsageCountReached(), false)
})

test('ids are unique', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => new Session({ sessionPool: emitter() }).id))
  assert.equal(ids.size, 1000)
})

test('read-only getters cannot be assigned', () => {
  const s = new Session({ sessionPool: emitter() })
  assert.throws(() => {
    'use strict'
    s.errorScore = 5
  }, TypeError)
  assert.equal(s.errorScore, 0)
})

test('userData is the live object passed in', () => {
  const userData = { a: 1, nested: { b: 2 } }
  const s = new Session({ sessionPool: emitter(), userData })
  assert.equal(s.userData, userData)
  s.userData.nested.b = 3
  s.userData.c = 'x'
  const st = s.getState()
  assert.equal(st.userData, userData)
  assert.deepEqual(st.userData, { a: 1, nested: { b: 3 }, c: 'x' })
  s.userData = { replaced: true }
  assert.deepEqual(s.getState().userData, { replaced: true })
})

test('markBad/markGood/retire arithmetic and self-retirement', () => {
  const pool = emitter()
  const retired = []
  pool.on(EVENT_SESSION_RETIRED, (s) => retired.push(s))
  const s = new Session({ sessionPool: pool })
  s.markBad()
  assert.deepEqual([s.errorScore, s.usageCount], [1, 1])
  s.markGood()
  assert.deepEqual([s.errorScore, s.usageCount], [0.5, 2])
  s.markGood()
  assert.deepEqual([s.errorScore, s.usageCount], [0, 3])
  s.markGood()
  assert.deepEqual([s.errorScore, s.usageCount], [0, 4], 'errorScore never drops below 0')
  s.markBad()
  s.markBad()
  assert.equal(retired.length, 0)
  s.markBad() // third error: blocked, retires itself (+maxErrorScore, +1 use)
  assert.deepEqual([s.errorScore, s.usageCount], [6, 8])
  assert.equal(retired.length, 1)
  assert.equal(retired[0], s)
  assert.equal(s.isBlocked(), true)
  assert.equal(s.isUsable(), false)
})

test('retire emits sessionRetired synchronously, once per session, with the Session', () => {
  const pool = emitter()
  const order = []
  pool.on('sessionRetired', (s) => order.push(['event', s]))
  const s = new Session({ sessionPool: pool })
  s.retire()
  order.push(['after'])
  assert.deepEqual(order, [['event', s], ['after']])
  assert.deepEqual([s.errorScore, s.usageCount], [3, 1])
  s.retire()
  s.markGood()
  s.markBad()
  assert.equal(order.length, 2, 'no second event')
  assert.deepEqual([s.errorScore, s.usageCount], [3, 1], 'retirement is final')
  assert.equal(s.isUsable(), false)
})

test('maxUsageCount retires on the last use', () => {
  const pool = emitter()
  let n = 0
  pool.on('sessionRetired', () => n++)
  const s = new Session({ sessionPool: pool, maxUsageCount: 2 })
  s.markGood()
  assert.equal(n, 0)
  s.markGood()
  assert.equal(n, 1)
  assert.equal(s.isMaxUsageCountReached(), true)
})

test('expiry: maxAgeSecs 0 is expired at once, expiresAt <= now', () => {
  const s = new Session({ sessionPool: emitter(), maxAgeSecs: 0 })
  assert.equal(s.isExpired(), true)
  assert.equal(s.isUsable(), false)
  const past = new Session({ sessionPool: emitter(), expiresAt: new Date(Date.now() - 1) })
  assert.equal(past.isExpired(), true)
  const future = new Session({ sessionPool: emitter(), expiresAt: new Date(Date.now() + 60_000) })
  assert.equal(future.isExpired(), false)
})

test('a mark on an expired session retires it', () => {
  const pool = emitter()
  let n = 0
  pool.on('sessionRetired', () => n++)
  const s = new Session({ sessionPool: pool, expiresAt: new Date(Date.now() - 1000) })
  s.markGood()
  assert.equal(n, 1)
})

test('retireOnBlockedStatusCodes: defaults, pool list, extra list; checkStatus alias', async () => {
  const plain = new Session({ sessionPool: emitter() })
  assert.equal(plain.retireOnBlockedStatusCodes(200), false)
  assert.equal(plain.isUsable(), true)
  assert.equal(plain.retireOnBlockedStatusCodes(429), true)
  assert.equal(plain.isUsable(), false)

  const pool = await SessionPool.open({ blockedStatusCodes: [500] })
  const s = await pool.getSession()
  assert.equal(s.retireOnBlockedStatusCodes(403), false, 'blockedStatusCodes replaces the default list')
  assert.equal(s.retireOnBlockedStatusCodes(418, [418]), true, 'extra codes add to it')
  assert.equal(s.isUsable(), false)
  const t = await pool.getSession()
  assert.equal(t.checkStatus(200), false)
  assert.equal(t.checkStatus(500), true)
  assert.equal(t.isUsable(), false)
})

test('getState has Crawlee\'s keys, ISO dates, and rebuilds an equal session', () => {
  const createdAt = new Date('2024-01-02T03:04:05.006Z')
  const expiresAt = new Date('2030-01-02T03:04:05.000Z')
  const s = new Session({
    sessionPool: emitter(),
    id: 'abc',
    userData: { k: [1, 2] },
    maxErrorScore: 5,
    errorScoreDecrement: 1,
    createdAt,
    expiresAt,
    usageCount: 2,
    errorScore: 1,
    maxUsageCount: 10,
  })
  const st = s.getState()
  assert.deepEqual(Object.keys(st), [
    'id', 'cookieJar', 'userData', 'maxErrorScore', 'errorScoreDecrement', 'expiresAt', 'createdAt', 'usageCount',
    'maxUsageCount', 'errorScore',
  ])
  assert.equal(st.createdAt, '2024-01-02T03:04:05.006Z')
  assert.equal(st.expiresAt, '2030-01-02T03:04:05.000Z')
  assert.deepEqual([st.id, st.maxErrorScore, st.errorScoreDecrement, st.usageCount, st.maxUsageCount, st.errorScore], ['abc', 5, 1, 2, 10, 1])
  const { cookieJar, ...rest } = st
  const rebuilt = new Session({ sessionPool: emitter(), ...rest, createdAt: new Date(st.createdAt), expiresAt: new Date(st.expiresAt), cookieJar })
  const st2 = rebuilt.getState()
  assert.deepEqual({ ...st2, cookieJar: undefined }, { ...st, cookieJar: undefined })
  assert.equal(rebuilt.createdAt.getTime(), createdAt.getTime())
})

test('errorCount is the 0.18 name of errorScore', () => {
  const s = new Session({ sessionPool: emitter(), errorCount: 2 })
  assert.equal(s.errorScore, 2)
  const both = new Session({ sessionPool: emitter(), errorCount: 2, errorScore: 1 })
  assert.equal(both.errorScore, 1)
})

test('a session born blocked does not heal back to usable', () => {
  const s = new Session({ sessionPool: emitter(), errorScore: 3 })
  assert.equal(s.isUsable(), false)
  s.markGood()
  assert.equal(s.isUsable(), false)
})

test('sessionPool is optional; without one nothing is emitted', () => {
  const s = new Session()
  s.retire()
  assert.equal(s.isUsable(), false)
  const t = new Session({})
  assert.equal(t.sessionPool, undefined)
})

test('a listener that throws propagates out of the mark, state stays consistent', () => {
  const pool = emitter()
  pool.on('sessionRetired', () => {
    throw new Error('listener boom')
  })
  const s = new Session({ sessionPool: pool })
  assert.throws(() => s.retire(), /listener boom/)
  assert.equal(s.isUsable(), false)
  s.retire()
})
