'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { EventEmitter } = require('node:events')
const { Session, SessionPool } = require('session-pool-rs')

function throwsTypeError(fn, ...fragments) {
  let caught
  try {
    fn()
  } catch (e) {
    caught = e
  }
  assert.ok(caught, 'expected a throw')
  assert.ok(caught instanceof TypeError, `expected TypeError, got ${caught && caught.constructor.name}: ${caught && caught.message}`)
  for (const f of fragments) assert.ok(caught.message.includes(f), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(f)}`)
}

const sessionPool = new EventEmitter()

test('Session: wrong types name the option', () => {
  throwsTypeError(() => new Session({ sessionPool, maxAgeSecs: '10' }), '`maxAgeSecs`', 'number', 'string')
  throwsTypeError(() => new Session({ sessionPool, id: 5 }), '`id`', 'string')
  throwsTypeError(() => new Session({ sessionPool, createdAt: '2020-01-01' }), '`createdAt`', 'Date')
  throwsTypeError(() => new Session({ sessionPool, expiresAt: 123 }), '`expiresAt`', 'Date')
  throwsTypeError(() => new Session({ sessionPool, createdAt: new Date('nope') }), '`createdAt`', 'valid Date')
  throwsTypeError(() => new Session({ sessionPool, userData: 'x' }), '`userData`', 'object')
  throwsTypeError(() => new Session({ sessionPool: {} }), '`sessionPool`', 'EventEmitter')
  throwsTypeError(() => new Session({ sessionPool: 'pool' }), '`sessionPool`')
  throwsTypeError(() => new Session('options'), '`options`', 'object')
  throwsTypeError(() => new Session({ sessionPool, maxUsageCount: null }), '`maxUsageCount`', 'null')
})

test('Session: negative and non-finite numbers name the option', () => {
  for (const [name, value] of [
    ['maxAgeSecs', -1],
    ['maxErrorScore', Number.NaN],
    ['errorScoreDecrement', Infinity],
    ['usageCount', -3],
    ['usageCount', 1.5],
    ['errorScore', -0.5],
    ['errorCount', -1],
    ['maxUsageCount', -Infinity],
  ]) {
    throwsTypeError(() => new Session({ sessionPool, [name]: value }), `\`${name}\``)
  }
})

test('Session: unknown option names are rejected by name', () => {
  throwsTypeError(() => new Session({ sessionPool, maxAgeSec: 5 }), '`maxAgeSec`')
})

test('Session methods: bad arguments', () => {
  const s = new Session({ sessionPool })
  throwsTypeError(() => s.retireOnBlockedStatusCodes('403'), '`statusCode`', 'number')
  throwsTypeError(() => s.retireOnBlockedStatusCodes(403, 'x'), '`additionalBlockedStatusCodes`')
  throwsTypeError(() => s.retireOnBlockedStatusCodes(403, [1, 'x']), 'additionalBlockedStatusCodes[1]')
  throwsTypeError(() => s.checkStatus(undefined), '`statusCode`')
  assert.equal(s.isUsable(), true, 'a rejected call changes nothing')
  throwsTypeError(() => Session.prototype.markGood.call({}))
})

test('SessionPool: wrong types, ranges and unknown names', () => {
  throwsTypeError(() => new SessionPool({ maxPoolSize: '10' }), '`maxPoolSize`', 'number')
  throwsTypeError(() => new SessionPool({ maxPoolSize: -1 }), '`maxPoolSize`')
  throwsTypeError(() => new SessionPool({ maxPoolSize: Infinity }), '`maxPoolSize`')
  throwsTypeError(() => new SessionPool({ maxPoolSize: 2.5 }), '`maxPoolSize`')
  throwsTypeError(() => new SessionPool({ maxPoolSise: 5 }), '`maxPoolSise`')
  throwsTypeError(() => new SessionPool({ persistStateKey: 1 }), '`persistStateKey`')
  throwsTypeError(() => new SessionPool({ persistStateKeyValueStoreId: {} }), '`persistStateKeyValueStoreId`')
  throwsTypeError(() => new SessionPool({ createSessionFunction: {} }), '`createSessionFunction`', 'Function')
  throwsTypeError(() => new SessionPool({ blockedStatusCodes: 403 }), '`blockedStatusCodes`', 'Array')
  throwsTypeError(() => new SessionPool({ blockedStatusCodes: [403, '429'] }), 'blockedStatusCodes[1]')
  throwsTypeError(() => new SessionPool({ sessionOptions: 'x' }), '`sessionOptions`')
  throwsTypeError(() => new SessionPool({ sessionOptions: { maxAgeSecs: -1 } }), '`maxAgeSecs`', 'sessionOptions')
  throwsTypeError(() => new SessionPool({ sessionOptions: { maxAgeSecz: 1 } }), '`maxAgeSecz`')
  throwsTypeError(() => new SessionPool({ persistenceOptions: { enable: 'yes' } }), '`enable`', 'boolean')
  throwsTypeError(() => new SessionPool({ persistenceOptions: { enabled: true } }), '`enabled`')
  throwsTypeError(() => new SessionPool({ keyValueStore: {} }), '`keyValueStore`', 'getValue')
  throwsTypeError(() => new SessionPool({ events: {} }), '`events`')
  throwsTypeError(() => new SessionPool({ persistStateIntervalMillis: 0 }), '`persistStateIntervalMillis`')
  throwsTypeError(() => new SessionPool(42), '`options`')
})

test('SessionPool methods: bad arguments reject with TypeError, pool keeps working', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 2 })
  await assert.rejects(pool.getSession(42), (e) => e instanceof TypeError && e.message.includes('`sessionId`'))
  await assert.rejects(pool.addSession('x'), (e) => e instanceof TypeError && e.message.includes('`options`'))
  await assert.rejects(pool.addSession({ maxAgeSecs: -5 }), (e) => e instanceof TypeError && e.message.includes('`maxAgeSecs`'))
  await assert.rejects(pool.addSession({ bogus: 1 }), (e) => e instanceof TypeError && e.message.includes('`bogus`'))
  const s = await pool.getSession()
  assert.ok(s instanceof Session)
  assert.equal(pool.usableSessionsCount, 1)
})

test('createSessionFunction returning a non-Session is a clear TypeError', async () => {
  const pool = await SessionPool.open({ createSessionFunction: () => ({ id: 'fake' }) })
  await assert.rejects(pool.getSession(), (e) => e instanceof TypeError && e.message.includes('createSessionFunction'))
  const asyncPool = await SessionPool.open({ createSessionFunction: async () => 5 })
  await assert.rejects(asyncPool.getSession(), (e) => e instanceof TypeError && e.message.includes('createSessionFunction'))
  // The queue is released: a later call still settles.
  await assert.rejects(asyncPool.getSession(), TypeError)
})

test('wild inputs never crash the process', async () => {
  const weird = [undefined, null, 0, -1, NaN, '', 'x', {}, [], () => {}, Symbol('s'), 10n, new Date(NaN), Object.create(null)]
  for (const w of weird) {
    try { new Session(w) } catch (e) { assert.ok(e instanceof Error) }
    try { new SessionPool(w) } catch (e) { assert.ok(e instanceof Error) }
    for (const key of ['id', 'maxAgeSecs', 'userData', 'createdAt', 'usageCount', 'sessionPool', 'cookieJar']) {
      try { new Session({ [key]: w }) } catch (e) { assert.ok(e instanceof TypeError, `${key}: ${e}`) }
    }
    const s = new Session()
    try { s.retireOnBlockedStatusCodes(w, w) } catch (e) { assert.ok(e instanceof TypeError) }
    const pool = await SessionPool.open()
    try { await pool.getSession(w) } catch (e) { assert.ok(e instanceof TypeError) }
    try { await pool.addSession(w) } catch (e) { assert.ok(e instanceof Error) }
  }
})
