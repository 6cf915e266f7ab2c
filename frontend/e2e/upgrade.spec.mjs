// A data folder whose search index must be rebuilt (as after an upgrade,
// or when the index folder was deleted) opens at once: the diary is there,
// a bar says the index is being built, and search finds everything after.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { notes } from './notes.mjs'

export const tests = [
  ['a diary whose index is rebuilt opens at once and says so', async ({ page, out, startBridge, root }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-upgrade-'))
    const cli = join(dir, 'tsuzuri')
    execFileSync('go', ['build', '-o', cli, './cmd/tsuzuri'], { cwd: root, stdio: 'inherit' })
    const diary = join(dir, 'diary')
    execFileSync(cli, ['--data', diary, 'import', notes('upgrade', 20000)], { stdio: 'ignore' })
    rmSync(join(diary, 'index'), { recursive: true })

    const { proc, url } = await startBridge(diary)
    try {
      await page.goto(url)
      await page.locator('.entry', { hasText: '勉強会メモ upgrade' }).first().waitFor()
      // The notes are all from 2023: the calendar opens on this year, with a
      // way straight to 2023 instead of an empty year and nothing else.
      await page.locator('.calendar .year', { hasText: String(new Date().getFullYear()) }).waitFor()
      await page.locator('.calendar').getByRole('button', { name: '最後の日記は 2023 年' }).click()
      await page.locator('.calendar .year', { hasText: '2023' }).waitFor()
      const bar = page.getByRole('status').filter({ hasText: '検索用の索引を作っています' })
      await bar.waitFor({ timeout: 30_000 })
      await page.screenshot({ path: join(out, 'e2e-index-rebuild.png') })
      await bar.waitFor({ state: 'detached', timeout: 180_000 })
      await page.getByRole('searchbox', { name: '検索' }).fill('upgrade 19999')
      await page.locator('.hit', { hasText: '勉強会メモ upgrade 19999' }).waitFor()
    } finally {
      proc.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }],
]
