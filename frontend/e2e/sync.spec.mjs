// One diary on two computers, through a plain folder and through an
// encrypted one. This window (computer A, behind the bridge)
// and computer B (the tsuzuri command on another data folder), meeting in
// one sync folder. Sync is turned on in Settings › 同期; B's writes show in
// the open window by themselves; an entry both edited carries 競合, and the
// compare view ends it with the version chosen, which B then follows.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const id = 'sync-e2e-1'
const title = '同期の日記'
const start = '朝の会議。\n議題は三つ。\n終わり。'
const editA = '朝の会議。\n議題は三つ。\nA で書き足した行。\n終わり。'
const editB = '朝の会議。\n議題は四つに増えた。\n終わり。'
const fromB = 'あちらで書いた日記'

function jsonl(dir, name, entries) {
  const file = join(dir, name)
  writeFileSync(file, entries.map((e) => JSON.stringify({ date: '2026-11-30', tags: ['同期'], ...e })).join('\n') + '\n')
  return file
}

function stop(proc) {
  return new Promise((resolve) => {
    proc.once('exit', resolve)
    proc.kill('SIGTERM')
  })
}

export const tests = [
  ['sync: turned on in Settings, another computer’s entry arrives, a conflict is compared and resolved', async ({ page, out, startBridge, root }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-sync-'))
    const cli = join(dir, 'tsuzuri')
    execFileSync('go', ['build', '-o', cli, './cmd/tsuzuri'], { cwd: root, stdio: 'inherit' })
    const [a, b, folder] = [join(dir, 'A'), join(dir, 'B'), join(dir, 'Sync')]
    const onB = (...args) => execFileSync(cli, ['--data', b, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    execFileSync(cli, ['--data', a, 'import', jsonl(dir, 'a.jsonl', [{ id, title, body: start }])], { stdio: 'ignore' })

    const bridge = await startBridge(a)
    try {
      await page.goto(bridge.url)
      await page.locator('.entry', { hasText: title }).waitFor()

      // Settings › 同期: off, then on with the folder the dialog picks.
      await page.getByRole('button', { name: '設定' }).click()
      const settings = page.getByRole('dialog', { name: '設定' })
      const sync = settings.locator('section.sync')
      await sync.getByText('同期はオフです').waitFor()
      await fetch(bridge.url + '/__test/next-pick', { method: 'POST', body: JSON.stringify([folder]) })
      await sync.getByRole('button', { name: 'フォルダを選ぶ…' }).click()
      // Not a cloud drive's folder: encryption is offered, left off.
      assert.equal(await sync.getByRole('checkbox', { name: '同期フォルダを暗号化する' }).isChecked(), false)
      await sync.getByRole('button', { name: '同期を始める' }).click()
      await sync.getByText('同期しています').waitFor()
      await sync.locator('code', { hasText: folder }).waitFor()
      // The first pass sends the diary at once.
      await sync.locator('[data-sync-status]').filter({ hasNotText: '最後の送信 まだなし' }).waitFor({ timeout: 10_000 })

      // B joins and gets the entry.
      assert.match(onB('sync', '--folder', folder), /received 1/)
      await page.keyboard.press('Escape')
      await settings.waitFor({ state: 'hidden' })

      // A edits the entry here, before anything of B's arrives.
      await page.locator('.entry', { hasText: title }).click()
      await page.locator('.cm-content').waitFor()
      await page.locator('.cm-content').click()
      await page.keyboard.press('Control+End')
      await page.keyboard.press('ArrowUp')
      await page.keyboard.press('End')
      await page.keyboard.insertText('\nA で書き足した行。')
      await page.getByText('保存済み').waitFor({ timeout: 10_000 })

      // B, not having seen it, edits the same entry and writes a new one.
      onB('import', jsonl(dir, 'b.jsonl', [{ id, title, body: editB }, { id: 'sync-e2e-2', title: fromB, body: 'B の本文。' }]))
      onB('sync')
      const arrived = Date.now()
      // This window follows within 2 s of B's files arriving, untouched.
      await page.locator('.entry', { hasText: fromB }).waitFor({ timeout: 2_000 })
      const row = page.locator('.entry', { hasText: title })
      await row.locator('.conflict-badge', { hasText: '競合' }).waitFor({ timeout: 2_000 })
      const badge = page.locator('.editor .conflict-badge')
      await badge.waitFor({ timeout: 2_000 })
      console.log(`     another computer's entry and the conflict showed ${Date.now() - arrived} ms after its sync returned`)
      // The open editor took the current text (nothing was being typed), and its preview follows.
      await page.waitForFunction(() => {
        const flat = (sel) => document.querySelector(sel)?.textContent.replace(/\s+/g, '') ?? ''
        return flat('.cm-content') !== '' && flat('.cm-content') === flat('.preview')
      })
      await page.screenshot({ path: join(out, 'e2e-sync-badge-light.png') })

      // The compare view: the current text beside B's, lines that differ marked.
      await badge.click()
      const compare = page.getByRole('dialog', { name: '競合した版を比べる' })
      await compare.locator('.line.changed', { hasText: '議題は四つに増えた。' }).waitFor()
      await compare.locator('.line.changed', { hasText: 'A で書き足した行。' }).waitFor()
      const sides = await compare.locator('.line.changed').evaluateAll((els) => els.map((e) => [e.dataset.side, e.textContent]))
      assert.ok(sides.some(([side, text]) => side === 'current' && text.length > 0), 'no changed line on the current side')
      assert.ok(sides.some(([side, text]) => side === 'other' && text.length > 0), 'no changed line on the other side')
      await page.screenshot({ path: join(out, 'e2e-sync-compare-light.png') })
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
      const bg = await compare.locator('.line.changed').first().evaluate((el) => getComputedStyle(el).backgroundColor)
      assert.equal(bg, 'rgb(74, 50, 18)')
      await page.screenshot({ path: join(out, 'e2e-sync-compare-dark.png') })
      await page.emulateMedia({ colorScheme: 'light' })

      // Keyboard: Tab reaches the choices; the version with B's text is chosen.
      const current = await compare.locator('.line[data-side="current"].changed').allTextContents()
      const useOther = compare.getByRole('button', { name: 'この版を使う' })
      const otherText = current.includes('A で書き足した行。') ? editB : editA
      await useOther.focus()
      await page.keyboard.press('Enter')
      await page.getByText('競合を解決しました').waitFor()
      await compare.waitFor({ state: 'hidden' })
      await page.waitForFunction((text) => document.querySelector('.cm-content')?.innerText.trim() === text, otherText)
      await row.locator('.conflict-badge').waitFor({ state: 'detached' })
      assert.equal(await page.locator('.editor .conflict-badge').count(), 0)

      // Settings: B by its host name, renamable; Sync now sends the choice.
      await page.getByRole('button', { name: '設定' }).click()
      await sync.getByText('競合はありません').waitFor()
      const device = sync.locator('.devices li').first()
      await device.waitFor()
      await device.getByRole('button', { name: '名前を変える' }).click()
      await device.getByRole('textbox').fill('家のデスクトップ')
      await page.keyboard.press('Enter')
      await sync.locator('.devices .name', { hasText: '家のデスクトップ' }).waitFor()
      await sync.getByRole('button', { name: '今すぐ同期' }).click()
      await page.getByText(/同期しました（送信 \d+ 件/).waitFor()
      await page.screenshot({ path: join(out, 'e2e-sync-settings-light.png') })
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
      await page.screenshot({ path: join(out, 'e2e-sync-settings-dark.png') })
      await page.emulateMedia({ colorScheme: 'light' })

      // B follows the choice: no conflict there either.
      onB('sync')
      const status = JSON.parse(onB('sync', 'status', '--json'))
      assert.deepEqual(status.conflicts, [])

      // Turning off keeps everything.
      await sync.getByRole('button', { name: '同期をやめる' }).click()
      await sync.getByText('同期はオフです').waitFor()
      await page.keyboard.press('Escape')
      await page.locator('.entry', { hasText: fromB }).waitFor()
    } finally {
      await stop(bridge.proc)
      rmSync(dir, { recursive: true, force: true })
    }
  }],
  ['sync: an encrypted folder in a cloud drive, the passphrase twice, another computer joins with it, and a change is asked for once', async ({ page, out, startBridge, root }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-sealed-'))
    const cli = join(dir, 'tsuzuri')
    execFileSync('go', ['build', '-o', cli, './cmd/tsuzuri'], { cwd: root, stdio: 'inherit' })
    const [a, b, folder] = [join(dir, 'A'), join(dir, 'B'), join(dir, 'Dropbox', 'tsuzuri')]
    const passphrase = '雨の日は図書館で本を読む'
    const newPassphrase = '晴れた日は川べりを歩く'
    const onB = (env, ...args) => execFileSync(cli, ['--data', b, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const secretTitle = '暗号の日記'
    execFileSync(cli, ['--data', a, 'import', jsonl(dir, 'a.jsonl', [{ id: 'sealed-e2e-1', title: secretTitle, body: 'クラウドには読ませない本文。' }])], { stdio: 'ignore' })

    const bridge = await startBridge(a)
    try {
      await page.goto(bridge.url)
      await page.locator('.entry', { hasText: secretTitle }).waitFor()
      await page.getByRole('button', { name: '設定' }).click()
      const settings = page.getByRole('dialog', { name: '設定' })
      const sync = settings.locator('section.sync')
      await fetch(bridge.url + '/__test/next-pick', { method: 'POST', body: JSON.stringify([folder]) })
      await sync.getByRole('button', { name: 'フォルダを選ぶ…' }).click()

      // A Dropbox folder: encryption is on by default; the passphrase is
      // asked twice, with a strength hint and the warning.
      const encrypt = sync.getByRole('checkbox', { name: '同期フォルダを暗号化する' })
      assert.equal(await encrypt.isChecked(), true)
      await sync.getByRole('note').filter({ hasText: '誰にも' }).waitFor()
      const start = sync.getByRole('button', { name: '同期を始める' })
      await sync.getByLabel('合言葉', { exact: true }).fill('abc')
      await sync.locator('[data-strength="weak"]').waitFor()
      await sync.getByLabel('合言葉', { exact: true }).fill(passphrase)
      await sync.locator('[data-strength="strong"]').waitFor()
      await sync.getByLabel('合言葉（もう一度）').fill(passphrase.slice(0, -1))
      await sync.getByText('二つの合言葉が一致しません').waitFor()
      assert.equal(await start.isDisabled(), true)
      await sync.getByLabel('合言葉（もう一度）').fill(passphrase)
      await page.screenshot({ path: join(out, 'e2e-sync-encrypt-light.png') })
      await start.click()
      await sync.locator('[data-sync-encrypted]', { hasText: '暗号化しています' }).waitFor()
      await sync.locator('[data-sync-status]').filter({ hasNotText: '最後の送信 まだなし' }).waitFor({ timeout: 10_000 })
      assert.equal(await sync.locator('input[type="password"]').count(), 0, 'a passphrase field is left on screen')

      // B: a wrong passphrase is refused and changes nothing; the right one joins.
      assert.throws(() => onB({ TSUZURI_PASSPHRASE: '違う言葉' }, 'sync', '--folder', folder))
      assert.match(onB({}, 'sync', 'status'), /sync is off/)
      assert.match(onB({ TSUZURI_PASSPHRASE: passphrase }, 'sync', '--folder', folder), /received 1/)
      assert.match(onB({}, 'search', '--json', secretTitle), /sealed-e2e-1/)

      // B changes the passphrase: this window keeps syncing and asks for the new one once.
      onB({ TSUZURI_PASSPHRASE: passphrase, TSUZURI_NEW_PASSPHRASE: newPassphrase }, 'sync', 'passphrase')
      onB({}, 'import', jsonl(dir, 'b.jsonl', [{ id: 'sealed-e2e-2', title: 'あちらの暗号の日記', body: 'B から。' }]))
      onB({}, 'sync')
      await page.keyboard.press('Escape')
      await page.locator('.entry', { hasText: 'あちらの暗号の日記' }).waitFor({ timeout: 5_000 })
      await page.getByRole('button', { name: '設定' }).click()
      const unlock = sync.locator('[data-sync-unlock]')
      await unlock.getByText('ほかのコンピューターで合言葉が変わりました').waitFor()
      await unlock.getByLabel('合言葉').fill(passphrase)
      await unlock.getByRole('button', { name: '確かめる' }).click()
      await unlock.getByText('合言葉が違います。何も変更していません。').waitFor()
      await unlock.getByLabel('合言葉').fill(newPassphrase)
      await unlock.getByRole('button', { name: '確かめる' }).click()
      await unlock.waitFor({ state: 'detached' })
      await page.screenshot({ path: join(out, 'e2e-sync-encrypted-settings-light.png') })

      // The window changes it back; B is then asked once.
      await sync.getByRole('button', { name: '合言葉を変える…' }).click()
      const change = sync.locator('[data-sync-change]')
      await change.getByLabel('今の合言葉').fill(newPassphrase)
      await change.getByLabel('新しい合言葉').fill(passphrase)
      await change.getByLabel('合言葉（もう一度）').fill(passphrase)
      await change.getByRole('button', { name: '変える' }).click()
      await page.getByText('合言葉を変えました').waitFor()
      assert.match(onB({}, 'sync', 'status'), /passphrase was changed on another computer/)
      onB({ TSUZURI_PASSPHRASE: passphrase }, 'sync', 'unlock')
      assert.doesNotMatch(onB({}, 'sync', 'status'), /passphrase was changed/)
    } finally {
      await stop(bridge.proc)
      rmSync(dir, { recursive: true, force: true })
    }
  }],
]
