#!/usr/bin/env node
// Fails the test command when a unit or integration test did not run: Vitest counts a skipped test
// as a success, so a missing fixture or a stray `.skip`/`.only`/`.todo` would pass CI unnoticed.
// Reads Vitest JSON reports (--reporter=json --outputFile) and accepts a skip only where
// test/skip-allowlist.json lists the test with what it needs (Python's torch, Linux, …) and why.
//   node scripts/check-skips.mjs REPORT.json [REPORT.json …]
import { readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const allowListPath = resolve(root, 'test/skip-allowlist.json')

/** `*` matches any run of characters; everything else literally. */
function matches(pattern, text) {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$'
  )
  return re.test(text)
}

function readAllowList() {
  const list = JSON.parse(readFileSync(allowListPath, 'utf8'))
  if (!Array.isArray(list.allowed)) throw new Error(`${allowListPath}: expected {"allowed": [...]}`)
  for (const [i, entry] of list.allowed.entries()) {
    for (const field of ['file', 'test', 'needs', 'reason']) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
        throw new Error(
          `${allowListPath}: allowed[${i}] has no "${field}" (every allowed skip says what and why)`
        )
      }
    }
  }
  return list.allowed
}

function main(reportPaths) {
  if (reportPaths.length === 0) {
    console.error('usage: node scripts/check-skips.mjs REPORT.json [REPORT.json …]')
    return 2
  }
  const allowed = readAllowList()
  const notRun = []
  const allowedSkips = []
  let total = 0
  for (const path of reportPaths) {
    const report = JSON.parse(readFileSync(path, 'utf8'))
    for (const file of report.testResults) {
      const rel = relative(root, file.name).split('\\').join('/')
      for (const test of file.assertionResults) {
        total++
        if (test.status === 'passed' || test.status === 'failed') continue
        const entry = allowed.find((a) => a.file === rel && matches(a.test, test.fullName))
        const line = `${rel} › ${test.fullName} [${test.status}]`
        if (entry) allowedSkips.push(`${line}: needs ${entry.needs}`)
        else notRun.push(line)
      }
    }
  }
  if (total === 0) {
    console.error(`check-skips: the report(s) ${reportPaths.join(', ')} hold no tests at all`)
    return 1
  }
  for (const line of allowedSkips) console.log(`check-skips: allowed skip ${line}`)
  if (notRun.length > 0) {
    console.error(
      `check-skips: ${notRun.length} of ${total} test(s) did not run and are not in test/skip-allowlist.json:\n  ` +
        notRun.join('\n  ') +
        '\nA missing fixture must be restored (test/fixtures/README.md); a test that truly needs torch or a GPU' +
        ' goes in test/skip-allowlist.json with the reason.'
    )
    return 1
  }
  console.log(
    `check-skips: ${total - allowedSkips.length} of ${total} test(s) ran; ${allowedSkips.length} allowed skip(s)`
  )
  return 0
}

process.exitCode = main(process.argv.slice(2))
