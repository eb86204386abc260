'use strict'
// Shared by the persistence tests and their child processes: one scripted pool content that works on
// Crawlee's SessionPool and on ours (same public API), and a description of a pool's usable sessions that
// the two implementations must agree on.

const URLS = [
  'https://example.com/',
  'https://example.com/account/settings',
  'http://example.com/',
  'https://www.example.com/',
  'https://shop.example.com/cart',
  'https://example.org/',
  'https://example.org/api/v1/items',
  'https://other.net/',
  'https://sub.other.net/deep/path',
]

// Crawlee's per-session key order in its state file (Session.getState()).
const SESSION_KEYS = [
  'id',
  'cookieJar',
  'userData',
  'maxErrorScore',
  'errorScoreDecrement',
  'expiresAt',
  'createdAt',
  'usageCount',
  'maxUsageCount',
  'errorScore',
]
const STATE_KEYS = ['usableSessionsCount', 'retiredSessionsCount', 'sessions']

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const FUTURE = new Date(Date.now() + 30 * 24 * 3600 * 1000).toUTCString()

/**
 * Fills a pool (Crawlee's or ours, already open) with sessions covering what the state file carries. Cookies
 * are set a few ms apart so their creation times differ and cookie-string order is the same everywhere.
 * Returns { usable: ids, unusable: ids }.
 */
async function populate(pool, { prefix = 'fx' } = {}) {
  const usable = []
  const unusable = []

  await pool.addSession({
    id: `${prefix}_plain`,
    userData: { label: 'plain', nested: { list: [1, 2, { deep: true }], empty: {}, nothing: null }, unicode: 'žluťoučký 🐎' },
  })
  await pool.addSession({
    id: `${prefix}_custom`,
    maxErrorScore: 5,
    errorScoreDecrement: 0.25,
    maxUsageCount: 120,
    createdAt: new Date('2024-01-02T03:04:05.678Z'),
    expiresAt: new Date(Date.now() + 7200 * 1000),
    userData: { proxyUrl: 'http://user:pass@proxy.local:8000', counters: { ok: 3, bad: 1 }, tags: ['a', 'b'] },
  })
  await pool.addSession({ id: `${prefix}_used`, userData: { n: 42.5, flag: false } })
  await pool.addSession({ id: `${prefix}_retired`, userData: { gone: true } })
  await pool.addSession({ id: `${prefix}_expired`, expiresAt: new Date(Date.now() - 60_000), userData: { old: 1 } })
  await pool.addSession({ id: `${prefix}_worn`, maxUsageCount: 2, userData: {} })

  const plain = await pool.getSession(`${prefix}_plain`)
  const custom = await pool.getSession(`${prefix}_custom`)
  const used = await pool.getSession(`${prefix}_used`)
  const retired = await pool.getSession(`${prefix}_retired`)
  const worn = await pool.getSession(`${prefix}_worn`)

  // Cookies on several domains, set both ways.
  plain.setCookie('sid=abc123; Path=/; HttpOnly', 'https://example.com/')
  await sleep(3)
  plain.setCookie(`pref=dark; Domain=example.com; Path=/; Expires=${FUTURE}`, 'https://example.com/')
  await sleep(3)
  plain.setCookie('acct=7; Path=/account; Secure', 'https://example.com/account/x')
  await sleep(3)
  plain.setCookie('sec=1; Path=/; Secure', 'https://example.com/')
  await sleep(3)
  plain.setCookiesFromResponse({
    url: 'https://example.org/api/v1/items',
    headers: {
      'set-cookie': ['api_token=t0k3n; Path=/api; Max-Age=86400; SameSite=Lax', 'org=1; Path=/'],
    },
  })
  await sleep(3)
  plain.setCookie('other=x%20y; Domain=other.net; Path=/', 'https://sub.other.net/')
  await sleep(3)

  custom.setCookiesFromResponse({
    url: 'https://shop.example.com/cart',
    headers: { 'set-cookie': ['cart=3; Path=/', `shared=s; Domain=example.com; Path=/; Expires=${FUTURE}`] },
  })
  await sleep(3)
  custom.setCookie('z=last; Path=/', 'https://other.net/')
  await sleep(3)
  custom.markGood()
  custom.markBad()
  custom.markBad()
  custom.markGood()

  used.setCookie('u=1', 'https://example.org/')
  await sleep(3)
  for (let i = 0; i < 7; i++) used.markGood()
  used.markBad()

  retired.setCookie('r=1', 'https://example.com/')
  retired.retire()
  worn.markGood()
  worn.markGood()

  usable.push(plain.id, custom.id, used.id)
  unusable.push(retired.id, `${prefix}_expired`, worn.id)
  return { usable, unusable }
}

/** Ids of a pool's usable sessions, in pool order (works on Crawlee's pool and ours). */
async function usableIds(pool) {
  const ids = []
  for (const s of pool.getState().sessions) {
    const session = await pool.getSession(s.id)
    if (session) ids.push(s.id)
  }
  return ids
}

function describeSession(session, urls = URLS) {
  const cookies = {}
  for (const url of urls) cookies[url] = session.getCookieString(url)
  return {
    id: session.id,
    cookies,
    userData: JSON.parse(JSON.stringify(session.userData)),
    usageCount: session.usageCount,
    errorScore: session.errorScore,
    maxUsageCount: session.maxUsageCount,
    maxErrorScore: session.maxErrorScore,
    errorScoreDecrement: session.errorScoreDecrement,
    createdAt: session.createdAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    usable: session.isUsable(),
  }
}

/** Every usable session of a pool, described, sorted by id. */
async function describePool(pool, urls = URLS) {
  const out = []
  for (const id of await usableIds(pool)) out.push(describeSession(await pool.getSession(id), urls))
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return out
}

module.exports = { URLS, SESSION_KEYS, STATE_KEYS, sleep, populate, usableIds, describeSession, describePool }
