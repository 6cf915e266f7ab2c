// End-to-end flows of the diary, in order: each builds on the data the
// previous ones left (one data folder for the run).
import assert from 'node:assert/strict'
import { join } from 'node:path'

const body = '本番サーバーを新しいクラスタへ移した。AWS Security Hub の警告も確認した。'

export const tests = [
  ['first launch shows the empty state', async ({ page, url, out }) => {
    await page.goto(url)
    await page.getByText('ようこそ、綴りへ').waitFor()
    await page.screenshot({ path: join(out, 'e2e-empty.png') })
  }],

  ['writing in Japanese autosaves', async ({ page, url }) => {
    await page.goto(url)
    await page.getByRole('button', { name: '最初の日記を書く' }).click()
    await page.getByLabel('タイトル').fill('サーバー移行の振り返り')
    const tags = page.getByLabel('タグ')
    await tags.fill('SRE')
    await tags.press('Enter')
    await page.locator('.cm-content').click()
    await page.keyboard.insertText(body)
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })
    await page.locator('.preview', { hasText: 'AWS Security Hub' }).waitFor()
    // The entry is in the timeline.
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).waitFor()
  }],

  ['a half-width, long-vowel-less query finds it, and opens it highlighted', async ({ page, url, out }) => {
    await page.goto(url)
    await page.keyboard.press('Control+k')
    const box = page.getByRole('searchbox', { name: '検索' })
    await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search')
    await page.keyboard.type('ｻｰﾊﾞ')
    assert.equal(await box.inputValue(), 'ｻｰﾊﾞ')
    const hit = page.locator('.hit', { has: page.locator('mark', { hasText: 'サーバー' }) })
    await hit.waitFor()
    await page.keyboard.press('Enter')
    await page.locator('.cm-hit').first().waitFor()
    assert.equal(await page.locator('.cm-hit').first().textContent(), 'サーバー')
    await page.screenshot({ path: join(out, 'e2e-search-light.png') })
  }],

  ['links in the preview open in the browser, never in the app window', async ({ page, url }) => {
    await page.goto(url)
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    await page.locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.insertText('\n[資料](https://example.com/slides)')
    const link = page.locator('.preview a', { hasText: '資料' })
    await link.waitFor()
    await link.click()
    assert.equal(page.url(), url + '/')
    await page.waitForFunction(async () => (await (await fetch('/__test/opened')).json())?.includes('https://example.com/slides'))
  }],

  ['Enter in the title goes on to the body, but not the Enter that commits a conversion', async ({ page, url }) => {
    await page.goto(url)
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    const title = page.getByLabel('タイトル')
    await title.click()
    await title.evaluate((el) => el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true })))
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('title-input')), true)
    await title.press('Enter')
    await page.waitForFunction(() => document.activeElement?.closest('.cm-editor') != null)
    assert.equal(await title.inputValue(), 'サーバー移行の振り返り')
  }],

  ['tag filter and facets', async ({ page, url }) => {
    await page.goto(url)
    await page.getByRole('searchbox', { name: '検索' }).fill('tag:sre')
    await page.locator('.hit', { hasText: 'サーバー移行の振り返り' }).waitFor()
    await page.getByRole('searchbox', { name: '検索' }).fill('tag:none-such')
    await page.getByText('見つかりませんでした').waitFor()
  }],

  ['IME composition does not trigger Escape', async ({ page, url }) => {
    await page.goto(url)
    const box = page.getByRole('searchbox', { name: '検索' })
    await box.fill('かいぎ')
    await box.evaluate((el) => el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true })))
    assert.equal(await box.inputValue(), 'かいぎ')
    await box.press('Escape')
    assert.equal(await box.inputValue(), '')
  }],

  ['move to trash and restore', async ({ page, url }) => {
    await page.goto(url)
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    await page.getByRole('button', { name: 'ゴミ箱へ' }).click()
    await page.getByText('ゴミ箱に移しました').waitFor()
    await page.getByRole('button', { name: 'ゴミ箱', exact: true }).click()
    await page.locator('.trash').getByRole('button', { name: '元に戻す' }).click()
    await page.getByText('元に戻しました').waitFor()
    await page.getByRole('button', { name: 'タイムライン' }).click()
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).waitFor()
  }],

  ['dark theme', async ({ page, url, out }) => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(url)
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    await page.locator('.preview', { hasText: 'AWS Security Hub' }).waitFor()
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    assert.equal(bg, 'rgb(28, 28, 30)')
    await page.screenshot({ path: join(out, 'e2e-dark.png') })
  }],
]
