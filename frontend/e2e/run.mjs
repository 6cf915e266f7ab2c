// Runs the end-to-end specs: starts the Go bridge (the real core behind the
// built UI) on a free port with a new data folder, drives Debian's Chromium
// through playwright-core, and stops everything. Exit status 1 on failure.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const out = join(root, 'out')
mkdirSync(out, { recursive: true })
const data = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-'))

// Built, then run directly: "go run" does not pass signals on to its child.
const bridgeBin = join(data, 'bridge')
const build = spawnSync('go', ['build', '-o', bridgeBin, './e2e/bridge'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) throw new Error('building the bridge failed')

// startBridge serves the built UI over the core on the data folder diary;
// specs that need a data folder of their own start one more.
function startBridge(diary) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bridgeBin, ['--data', diary, '--addr', '127.0.0.1:0', '--dist', 'frontend/dist'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LANG: 'ja_JP.UTF-8', HOME: data, XDG_CONFIG_HOME: join(data, 'config') },
    })
    const timer = setTimeout(() => reject(new Error('the bridge did not start within 60 s')), 60_000)
    proc.stdout.on('data', (chunk) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(chunk))
      if (m) {
        clearTimeout(timer)
        resolve({ proc, url: m[1] })
      }
    })
    proc.on('exit', (code) => reject(new Error(`the bridge exited with ${code}`)))
  })
}

const { proc, url } = await startBridge(join(data, 'diary'))
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})

let failed = 0
try {
  // E2E_SPECS=recall,diary runs only those spec files, while working on them.
  const only = process.env.E2E_SPECS?.split(',')
  const specs = readdirSync(here)
    .filter((f) => f.endsWith('.spec.mjs') && (!only || only.includes(f.replace('.spec.mjs', ''))))
    .sort()
  for (const file of specs) {
    const { tests } = await import(join(here, file))
    for (const [name, fn] of tests) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' })
      const errors = []
      page.on('pageerror', (e) => errors.push(String(e)))
      // The webview's confirm/alert/prompt is a raw browser box titled with
      // the page's address and labelled in English: the app never uses one.
      page.on('dialog', (d) => {
        errors.push(`a native ${d.type()} dialog opened: ${d.message()}`)
        d.dismiss().catch(() => {})
      })
      const started = Date.now()
      try {
        await fn({ page, url, out, startBridge, root })
        if (errors.length) throw new Error('errors in the page: ' + errors.join('; '))
        console.log(`ok   ${name} (${Date.now() - started} ms)`)
      } catch (e) {
        failed++
        console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`)
        await page.screenshot({ path: join(out, `failed-${name.replace(/\W+/g, '-')}.png`) }).catch(() => {})
      } finally {
        await page.close()
      }
    }
  }
} finally {
  await browser.close()
  proc.kill('SIGTERM')
  rmSync(data, { recursive: true, force: true })
}
console.log(failed ? `${failed} end-to-end test(s) failed` : 'all end-to-end tests passed')
process.exit(failed ? 1 : 0)
