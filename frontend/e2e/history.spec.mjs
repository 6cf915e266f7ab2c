// History, undo and the trash's question, on the data folder the diary
// specs left.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const title = '履歴を試す日記'
const first = '最初の本文。\n大事な一行目です。\n終わり。'
const pasted = '貼り間違えた本文'

async function openEntry(page, name) {
  await page.locator('.entry', { hasText: name }).first().click()
  await page.locator('.cm-content').waitFor()
}

async function openHistory(page) {
  await page.locator('.editor footer').getByRole('button', { name: '履歴' }).click()
  return page.getByRole('dialog', { name: '以前の版' })
}

export const tests = [
  ['editing twice keeps the earlier text; restoring it brings it back as a new version', async ({ page, url, out }) => {
    await page.goto(url)
    await page.getByRole('button', { name: '新しい日記' }).click()
    await page.getByLabel('タイトル').fill(title)
    await page.locator('.cm-content').click()
    await page.keyboard.insertText(first)
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })

    // A pause, then a bad paste over everything, autosaved.
    await page.waitForTimeout(1200)
    await page.locator('.cm-content').click()
    await page.keyboard.press('Control+a')
    await page.keyboard.insertText(pasted)
    await page.locator('.preview', { hasText: pasted }).waitFor()

    let dialog = await openHistory(page)
    const versions = dialog.locator('.version')
    await versions.first().waitFor()
    assert.equal(await versions.count(), 1)
    await dialog.locator('.row.del', { hasText: '大事な一行目です。' }).waitFor()
    await dialog.locator('.row.add', { hasText: pasted }).waitFor()
    await page.screenshot({ path: join(out, 'e2e-history-light.png') })

    await dialog.getByRole('button', { name: 'この版に戻す' }).click()
    await page.getByText('の版に戻しました').waitFor()
    await page.waitForFunction((text) => document.querySelector('.cm-content')?.innerText.trim() === text, first)

    // The text the restore replaced is now a version of its own.
    dialog = await openHistory(page)
    await dialog.locator('.version').nth(1).waitFor()
    assert.equal(await dialog.locator('.version').count(), 2)
    assert.equal(await dialog.locator('.version').first().getAttribute('aria-current'), 'true')
    await dialog.locator('.row.del', { hasText: pasted }).waitFor()
    // ↑/↓ walk the list; the older version is the text as it is now.
    await dialog.locator('.version').first().focus()
    await page.keyboard.press('ArrowDown')
    await dialog.locator('.version[aria-current="true"]', { hasText: '#1 ' }).waitFor()
    await dialog.getByText('本文は今と同じです').waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
  }],

  ['the history view in the dark theme', async ({ page, url, out }) => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(url)
    await openEntry(page, title)
    const dialog = await openHistory(page)
    await dialog.locator('.row.del', { hasText: pasted }).waitFor()
    const bg = await dialog.locator('.row.del').first().evaluate((el) => getComputedStyle(el).backgroundColor)
    assert.equal(bg, 'rgb(67, 35, 31)')
    await page.screenshot({ path: join(out, 'e2e-history-dark.png') })
  }],

  ['delete shows 元に戻す, which brings the entry back', async ({ page, url, out }) => {
    await page.goto(url)
    await openEntry(page, title)
    await page.getByRole('button', { name: 'ゴミ箱へ' }).click()
    const toast = page.locator('.toast', { hasText: 'ゴミ箱に移しました' })
    await toast.waitFor()
    await page.locator('.entry', { hasText: title }).waitFor({ state: 'detached' })
    await page.screenshot({ path: join(out, 'e2e-undo-toast.png') })
    await toast.getByRole('button', { name: '元に戻す' }).click()
    await page.getByText('元に戻しました').waitFor()
    await page.locator('.entry', { hasText: title }).waitFor()
    await page.waitForFunction((text) => document.querySelector('.cm-content')?.innerText.trim() === text, first)
  }],

  ['emptying the trash asks first, and Cancel keeps it', async ({ page, url }) => {
    await page.goto(url)
    await openEntry(page, title)
    await page.getByRole('button', { name: 'ゴミ箱へ' }).click()
    await page.getByText('ゴミ箱に移しました').waitFor()
    await page.getByRole('button', { name: 'ゴミ箱', exact: true }).click()
    await page.locator('.trash .item', { hasText: title }).waitFor()

    await page.getByRole('button', { name: 'ゴミ箱を空にする' }).click()
    const ask = page.getByRole('alertdialog')
    await ask.getByText('完全に削除します').waitFor()
    // Cancel has the focus: Enter answers no.
    await page.keyboard.press('Enter')
    await ask.waitFor({ state: 'hidden' })
    await page.locator('.trash .item', { hasText: title }).waitFor()

    await page.getByRole('button', { name: 'ゴミ箱を空にする' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: '完全に削除する' }).click()
    await page.getByText('完全に削除しました').waitFor()
    await page.getByText('ゴミ箱は空です').waitFor()
  }],
]
