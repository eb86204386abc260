'use strict'
// Where a Session sits in the pool that holds it, shared by lib/session_pool.js and lib/session.js: the pool keeps
// its sessions in a table by slot and has native functions bound to its core (src/pool_bound.rs); a session
// remembers its pool and slot, so its marks can go straight to that slot. A mark takes that route only while
// the pool's table still holds this very session in that slot; otherwise it goes through the session itself.

const kTable = Symbol('sessionsBySlot')
const kAcquire = Symbol('acquire')
const kMarkSlot = Symbol('markSlot')
const kOwnerPool = Symbol('ownerPool')
const kSlot = Symbol('slot')

const MARK_GOOD = 0
const MARK_BAD = 1
const RETIRE = 2

/** Records that `pool` holds `session` in `slot`. */
function placeSession(pool, session, slot) {
  pool[kTable][slot] = session
  session[kOwnerPool] = pool
  session[kSlot] = slot
}

/**
 * Marks `session` through its pool's slot function when the pool holds it there. Returns true when the mark
 * retired the session, false when not, undefined when the slot route does not apply.
 */
function markInSlot(session, kind) {
  const pool = session[kOwnerPool]
  if (pool === undefined) return undefined
  const slot = session[kSlot]
  if (pool[kTable][slot] !== session) return undefined
  return pool[kMarkSlot](slot, kind)
}

module.exports = { kTable, kAcquire, kMarkSlot, kOwnerPool, kSlot, MARK_GOOD, MARK_BAD, RETIRE, placeSession, markInSlot }
