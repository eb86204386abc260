'use strict'
// A consumer project that installs this package by path: CommonJS require, ESM import, and the typings
// type-checked with `tsc --noEmit --strict`.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.resolve(__dirname, '..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-consumer-'))
fs.mkdirSync(path.join(dir, 'node_modules'))
// What `npm install <path>` does for a folder: a link in node_modules.
fs.symlinkSync(root, path.join(dir, 'node_modules', 'session-pool-rs'), 'dir')
for (const f of ['consumer.ts', 'consumer.mjs', 'consumer.cjs']) {
  fs.copyFileSync(path.join(__dirname, 'consumer', f), path.join(dir, f))
}
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))

test('CommonJS require from a consumer project', () => {
  const out = execFileSync(process.execPath, ['consumer.cjs'], { cwd: dir, encoding: 'utf8' })
  assert.deepEqual(JSON.parse(out), { isSession: true, usable: 1 })
})

test('ESM import (named and default) from a consumer project', () => {
  const out = execFileSync(process.execPath, ['consumer.mjs'], { cwd: dir, encoding: 'utf8' })
  assert.deepEqual(JSON.parse(out), { isSession: true, sameClass: true, retired: 1, other: true })
})

test('TypeScript: the typings check under --strict', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'node16',
        moduleResolution: 'node16',
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }),
  )
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' })
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`)
  }
})
