'use strict'
// Package entry: the generated native loader (binding.js) plus the JS half of SessionPool.

const native = require('./binding.js')
const { createSessionPoolClass } = require('./lib/session_pool.js')

const SessionPool = createSessionPoolClass(native)

/** Apify SDK 0.x/2.x name of `SessionPool.open(options)`. */
function openSessionPool(options) {
  return SessionPool.open(options)
}

module.exports = {
  Session: native.Session,
  SessionPool,
  openSessionPool,
  EVENT_SESSION_RETIRED: native.EVENT_SESSION_RETIRED,
  BLOCKED_STATUS_CODES: native._blockedStatusCodes(),
}
