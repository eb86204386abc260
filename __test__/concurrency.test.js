'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Session, SessionPool } = require('session-pool-rs')

test('200 concurrent getSession() on maxPoolSize 10 never create more than 10 (default factory)', async () => {
  const pool = await SessionPool.open({ maxPoolSize: 10 })
  const sessions = await Promise.all(Array.from({ length: 200 }, () => pool.getSession()))
  assert.equal(new Set(sessions).size, 10)
  assert.equal(pool.getState().sessions.length, 10)
  assert.ok(sessions.every((s) => s instanceof Session && s.isUsable()))
})

test('200 concurrent getSession() with an async createSessionFunction awaiting a random delay', async () => {
  let created = 0
  const pool = await SessionPool.open({
    maxPoolSize: 10,
    createSessionFunction: async (p) => {
      await new Promise((r) => setTimeout(r, Math.random() * 10))
      created++
      return new Session({ sessionPool: p })
    },
  })
  const sessions = await Promise.all(Array.from({ length: 200 }, () => pool.getSession()))
  assert.equal(created, 10)
  assert.equal(new Set(sessions).size, 10)
  assert.equal(pool.getState().sessions.length, 10)
})

test('concurrent calls mixed with retirements stay within maxPoolSize', async () => {
  let created = 0
  const pool = await SessionPool.open({
    maxPoolSize: 5,
    createSessionFunction: async (p) => {
      await new Promise((r) => setTimeout(r, Math.random() * 3))
      created++
      return new Session({ sessionPool: p })
    },
  })
  for (let round = 0; round < 10; round++) {
    const sessions = await Promise.all(Array.from({ length: 50 }, () => pool.getSession()))
    assert.ok(pool.getState().sessions.length <= 5)
    for (const s of sessions) assert.ok(s.isUsable() || s.usageCount > 0)
    sessions[0].retire()
  }
  assert.ok(created >= 5 && created <= 15, `created ${created}`)
})

test('concurrent getSession(id) calls resolve in order behind a pending creation', async () => {
  let release
  const gate = new Promise((r) => { release = r })
  const pool = await SessionPool.open({
    maxPoolSize: 2,
    createSessionFunction: async (p) => { await gate; return new Session({ sessionPool: p, id: `s${Math.random()}` }) },
  })
  const first = pool.getSession()
  const byId = pool.getSession('missing')
  release()
  assert.ok(await first)
  assert.equal(await byId, undefined)
})
