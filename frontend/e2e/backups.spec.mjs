// Automatic backups as a person meets them: Settings lists them and
// restores one after asking; a damaged database opens read-only with a
// bar offering the latest backup, which makes the diary whole again.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, writeSync, fstatSync, closeSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { notes } from './notes.mjs'

function stop(proc) {
  return new Promise((resolve) => {
    proc.once('exit', resolve)
    proc.kill('SIGTERM')
  })
}

// damage overwrites every page of the database but the first.
function damage(db) {
  const fd = openSync(db, 'r+')
  const size = fstatSync(fd).size
  const junk = Buffer.alloc(4096, 0xa5)
  for (let off = 4096; off < size; off += 4096) writeSync(fd, junk, 0, junk.length, off)
  closeSync(fd)
}

// damageMiddle overwrites a few pages in the middle of the database.
function damageMiddle(db) {
  const fd = openSync(db, 'r+')
  const size = fstatSync(fd).size
  const junk = Buffer.alloc(3 * 4096, 0xa5)
  writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096)
  closeSync(fd)
}

export const tests = [
  ['Settings lists the backups and restores one; a damaged diary offers the latest', async ({ page, out, startBridge, root }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-backups-'))
    const cli = join(dir, 'tsuzuri')
    execFileSync('go', ['build', '-o', cli, './cmd/tsuzuri'], { cwd: root, stdio: 'inherit' })
    const diary = join(dir, 'diary')
    execFileSync(cli, ['--data', diary, 'import', notes('before', 300)], { stdio: 'ignore' })
    // The second import backs up the diary as it was: 300 notes.
    execFileSync(cli, ['--data', diary, 'import', notes('after', 5)], { stdio: 'ignore' })

    let bridge = await startBridge(diary)
    try {
      await page.goto(bridge.url)
      const search = page.getByRole('searchbox', { name: '検索' })
      await search.fill('after')
      await page.locator('.hit', { hasText: '勉強会メモ after 4' }).waitFor()
      await search.fill('')
      await page.getByRole('button', { name: '設定' }).click()
      const row = page.locator('.backups li', { hasText: '読み込み前' }).first()
      await row.waitFor()
      await page.screenshot({ path: join(out, 'e2e-backups-list.png') })
      await row.getByRole('button', { name: 'この時点に戻す' }).click()
      // The app's own dialog asks, in Japanese, not the webview's confirm().
      const ask = page.getByRole('alertdialog')
      await ask.getByText('のバックアップで日記を置き換えます').waitFor()
      await ask.getByRole('button', { name: 'キャンセル' }).waitFor()
      await ask.getByRole('button', { name: 'この時点に戻す' }).click()
      await page.getByText('のバックアップに戻しました').waitFor()
      // The backup made before the restore is listed too.
      await page.locator('.backups li', { hasText: '復元前' }).waitFor()
      await page.getByRole('button', { name: '閉じる' }).click()
      await search.fill('after')
      await page.getByText('見つかりませんでした').waitFor()
      await stop(bridge.proc)

      damage(join(diary, 'tsuzuri.db'))
      bridge = await startBridge(diary)
      await page.goto(bridge.url)
      const bar = page.getByRole('alert').filter({ hasText: 'データベースが壊れてい', has: page.getByRole('button', { name: '最新のバックアップに戻す' }) })
      await bar.waitFor({ timeout: 30_000 })
      await page.screenshot({ path: join(out, 'e2e-backups-damaged.png') })
      await bar.getByRole('button', { name: '最新のバックアップに戻す' }).click()
      await page.getByRole('alertdialog').getByRole('button', { name: 'この時点に戻す' }).click()
      await bar.waitFor({ state: 'detached', timeout: 30_000 })
      await page.getByRole('searchbox', { name: '検索' }).fill('before 299')
      await page.locator('.hit', { hasText: '勉強会メモ before 299' }).waitFor({ timeout: 60_000 })
    } finally {
      await stop(bridge.proc)
      rmSync(dir, { recursive: true, force: true })
    }
  }],
  ['Recover on a damaged diary brings back what its pages hold, merged with the latest backup', async ({ page, out, startBridge, root }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-recover-'))
    const cli = join(dir, 'tsuzuri')
    execFileSync('go', ['build', '-o', cli, './cmd/tsuzuri'], { cwd: root, stdio: 'inherit' })
    const diary = join(dir, 'diary')
    execFileSync(cli, ['--data', diary, 'import', notes('before', 300)], { stdio: 'ignore' })
    // The backup this import makes holds the 300; the 5 exist only in the
    // damaged file.
    execFileSync(cli, ['--data', diary, 'import', notes('after', 5)], { stdio: 'ignore' })
    damageMiddle(join(diary, 'tsuzuri.db'))

    const bridge = await startBridge(diary)
    try {
      await page.goto(bridge.url)
      const bar = page.getByRole('alert').filter({ hasText: 'データベースが壊れてい', has: page.getByRole('button', { name: '救出' }) })
      await bar.waitFor({ timeout: 30_000 })
      await bar.getByRole('button', { name: '救出' }).click()
      // It asks first, in the app's own dialog.
      await page.getByRole('alertdialog').filter({ hasText: '壊れたデータベースから' }).getByRole('button', { name: '救出' }).click()
      await page.getByText(/救出しました：壊れたデータから \d+ 件/).waitFor({ timeout: 60_000 })
      await bar.waitFor({ state: 'detached', timeout: 30_000 })
      await page.screenshot({ path: join(out, 'e2e-recovered.png') })
      const search = page.getByRole('searchbox', { name: '検索' })
      await search.fill('after 4')
      await page.locator('.hit', { hasText: '勉強会メモ after 4' }).waitFor({ timeout: 60_000 })
      await search.fill('before 299')
      await page.locator('.hit', { hasText: '勉強会メモ before 299' }).waitFor({ timeout: 60_000 })
    } finally {
      await stop(bridge.proc)
      rmSync(dir, { recursive: true, force: true })
    }
  }],
]
