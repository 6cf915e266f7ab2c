// Results as you type, on a large diary: each keystroke's search is timed
// from the debounced call to the results on screen (performance marks in
// SearchResults), and the figures are printed. The previous results stay on
// screen, dimmed, until the new ones arrive: the list never flashes blank.
// E2E_TYPING_ENTRIES sets the size (make bench-ui runs 100,000).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { notes } from './notes.mjs'

const entries = Number(process.env.E2E_TYPING_ENTRIES ?? 20000)
// Typed one key at a time, slower than the debounce, so every keystroke
// is a search of its own (as when someone types and looks).
const typed = ['コンポーネント', 'の', 'state 更新', 'ー', 'する', '見', 'サーバ']

function source(root, dir) {
  const corpus = join(root, '..', 'shared', 'corpus')
  if (!existsSync(join(corpus, 'synth.py'))) return notes('typing', entries)
  const file = join(dir, 'synth.jsonl')
  const out = openSync(file, 'w')
  execFileSync('python3', [join(corpus, 'synth.py'), join(corpus, 'dev.jsonl.gz'), String(entries)], { stdio: ['ignore', out, 'inherit'] })
  closeSync(out)
  return file
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

export const tests = [
  [`typing stays quick on ${entries.toLocaleString('en')} entries, and the list never flashes blank`, async ({ page, startBridge, root }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-typing-'))
    const cli = join(dir, 'tsuzuri')
    execFileSync('go', ['build', '-o', cli, './cmd/tsuzuri'], { cwd: root, stdio: 'inherit' })
    const diary = join(dir, 'diary')
    execFileSync(cli, ['--data', diary, 'import', source(root, dir)], { stdio: 'ignore' })
    const { proc, url } = await startBridge(diary)
    try {
      await page.goto(url)
      const box = page.getByRole('searchbox', { name: '検索' })
      await box.waitFor()
      const renders = []
      let blank = 0
      for (const query of typed) {
        await box.fill('')
        await box.focus()
        let listed = false
        for (const ch of query) {
          await page.keyboard.type(ch)
          await page.waitForTimeout(250)
          // Once this query listed results, every later keystroke keeps a
          // list on screen (or says there is none).
          const shown = await page.locator('.results .hit').count()
          if (listed && shown === 0 && (await page.locator('.results .none').count()) === 0) blank++
          listed ||= shown > 0
          renders.push(...(await page.evaluate(() => {
            const got = performance.getEntriesByName('search-render').map((e) => e.duration)
            performance.clearMeasures('search-render')
            return got
          })))
        }
        await page.locator('.results .hit').first().waitFor()
      }
      assert.ok(renders.length >= typed.join('').length / 2, `only ${renders.length} searches were timed`)
      assert.equal(blank, 0, 'the results list went blank while a search ran')
      console.log(`     typing on ${entries} entries: ${renders.length} searches, search to render p50 ${percentile(renders, 50).toFixed(1)} ms, p95 ${percentile(renders, 95).toFixed(1)} ms, max ${Math.max(...renders).toFixed(1)} ms (debounce 60 ms not included)`)
    } finally {
      proc.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }],
]
