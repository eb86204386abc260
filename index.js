'use strict'
// Package entry: the generated native loader (binding.js) plus the JS half of SessionPool.

const native = require('./binding.js')
const { createSessionPoolClass } = require('./lib/session_pool.js')
const { installSessionMethods } = require('./lib/session.js')
const { installCookieJarMethods } = require('./lib/cookie_jar.js')

// Raw N-API versions of the per-request calls (see src/fast_paths.rs).
native._installFastPaths(native.Session.prototype, native.SessionPool.prototype)
installSessionMethods(native.Session)
installCookieJarMethods(native.CookieJar)

const SessionPool = createSessionPoolClass(native)

/** Apify SDK 0.x/2.x name of `SessionPool.open(options)`. */
function openSessionPool(options) {
  return SessionPool.open(options)
}

module.exports = {
  Session: native.Session,
  CookieJar: native.CookieJar,
  SessionPool,
  openSessionPool,
  EVENT_SESSION_RETIRED: native.EVENT_SESSION_RETIRED,
  BLOCKED_STATUS_CODES: native._blockedStatusCodes(),
}
