'use strict'
// Test data shared by the scenarios and the memory child: realistic cookies and userData.

const URL_BASE = 'https://www.example.com/'
const HEX = '0123456789abcdef'

/**
 * `s` as a parser hands strings over (an HTTP client's headers, Puppeteer's or Playwright's cookies, which come
 * out of JSON.parse): one flat string. V8 keeps a string built with `+=` or a template literal as a rope of its
 * pieces, and a copy of it (into a larger string, or out to native code) walks all the pieces again each time,
 * which real input never costs.
 */
function flat(s) {
  return JSON.parse(JSON.stringify(s))
}

function hex(seed, len) {
  let x = (seed * 2654435761) >>> 0
  let s = ''
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    s += HEX[(x >>> 16) & 15]
  }
  return flat(s)
}

/** The 5 cookies of a persisted/measured session, as Set-Cookie header values (unique per session). */
function sessionCookies(i) {
  return [
    `sessionid=${hex(i, 32)}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax`,
    `csrftoken=${hex(i + 1, 24)}; Path=/; Max-Age=31536000; SameSite=Lax`,
    `_ga=GA1.2.${(i * 7919) % 1000000000}.1700000000; Domain=example.com; Path=/; Max-Age=63072000`,
    `lang=en-US; Path=/`,
    `cf_bm=${hex(i + 2, 40)}; Domain=.example.com; Path=/; Max-Age=1800; HttpOnly; Secure; SameSite=None`,
  ].map(flat)
}

/** Gives a session its 5 cookies and a small userData, the same way for both implementations. */
function decorateSession(session, i) {
  for (const c of sessionCookies(i)) session.setCookie(c, URL_BASE)
  session.userData.label = 'DETAIL'
  session.userData.depth = i % 4
}

/** For the cookies scenario: a jar of 27 cookies, plus the 3 that every response (re)sets -> 30 in all. */
function jarCookies() {
  const out = []
  for (let i = 0; i < 27; i++) out.push(flat(`pref_${i}=${hex(i + 100, 16)}; Path=/; Max-Age=86400`))
  return out
}

/** Responses with 3 Set-Cookie headers (values vary, names fixed, so the jar stays at 30). */
function responses(count = 64) {
  const out = []
  for (let i = 0; i < count; i++) {
    out.push({
      url: flat(`${URL_BASE}product/${i}`),
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'set-cookie': [
          `sessionid=${hex(i, 32)}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax`,
          `visit=${i}; Path=/; Max-Age=3600`,
          `cf_bm=${hex(i + 9, 40)}; Domain=example.com; Path=/; Max-Age=1800; HttpOnly; Secure`,
        ].map(flat),
      },
    })
  }
  return out
}

/** 20 cookies in the browsers' (Puppeteer/Playwright) format; `variant` changes the values. */
function browserCookies(variant) {
  const expires = Math.floor(Date.now() / 1000) + 86400
  const out = []
  for (let i = 0; i < 20; i++) {
    out.push({
      name: flat(`bc_${i}`),
      value: hex(variant * 31 + i, 24),
      domain: i % 2 ? '.example.com' : 'www.example.com',
      path: '/',
      expires,
      httpOnly: i % 3 === 0,
      secure: true,
      sameSite: 'Lax',
    })
  }
  return out
}

module.exports = { URL_BASE, sessionCookies, decorateSession, jarCookies, responses, browserCookies }
