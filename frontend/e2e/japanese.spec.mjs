// The UI in Japanese all the way, on the data folder the diary and import
// specs left (サーバー移行の振り返り tagged SRE, 勉強会メモ from 2023).
import assert from 'node:assert/strict'
import { join } from 'node:path'

const thisYear = new Date().getFullYear()

async function openSettings(page) {
  await page.getByRole('button', { name: '設定', exact: true }).click()
  await page.getByRole('dialog', { name: '設定' }).waitFor()
}

export const tests = [
  ['with the language on 自動, changing the theme keeps Japanese (WebKitGTK says en-US)', async ({ page, url }) => {
    // navigator.language is en-US here, as in WebKitGTK; the core's LANG is ja_JP.
    const en = await page.context().browser().newPage({ locale: 'en-US' })
    try {
      await en.goto(url)
      assert.equal(await en.evaluate(() => navigator.language), 'en-US')
      await en.getByRole('button', { name: '設定', exact: true }).click()
      const dialog = en.getByRole('dialog', { name: '設定' })
      const [theme, language] = [en.locator('dialog select').nth(0), en.locator('dialog select').nth(1)]
      await theme.selectOption('dark')
      await en.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
      await dialog.getByText('表示言語').waitFor()
      await theme.selectOption('system')
      await dialog.getByText('テーマ').waitFor()
      await language.selectOption('en')
      await en.getByRole('dialog', { name: 'Settings' }).getByText('Language').waitFor()
      await language.selectOption('')
      await en.getByRole('dialog', { name: '設定' }).getByText('表示言語').waitFor()
      await en.reload()
      await en.getByRole('button', { name: '新しい日記' }).waitFor()
    } finally {
      await en.close()
    }
  }],

  ['the empty right pane shows this day in earlier years, recent entries and counts', async ({ page, url, out }) => {
    await page.goto(url)
    const pane = page.locator('.content')
    await pane.getByRole('heading', { name: /過去の今日/ }).waitFor()
    await pane.getByRole('heading', { name: '最近の日記' }).waitFor()
    await pane.getByText(/日記 [\d,]+ 件 · タグ \d+ 個/).waitFor()
    assert.equal(await pane.getByText('検索（Ctrl+K または /）').count(), 0)
    await pane.getByRole('button', { name: /サーバー移行の振り返り/ }).click()
    // The editor fills in once the entry has loaded.
    await page.waitForFunction(() => document.querySelector('.title-input')?.value === 'サーバー移行の振り返り')
    await page.goto(url)
    await page.screenshot({ path: join(out, 'e2e-ja-light.png') })
  }],

  ['dates read 2024/07/03（水）, take typed dates on Enter, and refuse bad ones', async ({ page, url }) => {
    await page.goto(url)
    await page.getByRole('button', { name: '新しい日記' }).click()
    await page.getByLabel('タイトル').fill('障害対応の記録')
    const date = page.getByLabel('日付')
    assert.match(await date.inputValue(), /^\d{4}\/\d{2}\/\d{2}（[日月火水木金土]）$/)
    await date.fill('2024/7/3')
    await date.press('Enter')
    assert.equal(await date.inputValue(), '2024/07/03（水）')
    assert.ok(await date.evaluate((el) => el === document.activeElement), 'Enter keeps the field focused')
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })
    await page.locator('.entry', { hasText: '障害対応の記録' }).getByText('7/3（水）').waitFor()
    await date.fill('2024-07-32')
    await date.press('Enter')
    await page.getByRole('alert').getByText('日付として読めません').waitFor()
    assert.equal(await date.getAttribute('aria-invalid'), 'true')
    await page.locator('.cm-content').click() // leaves the field: the old date comes back
    assert.equal(await date.inputValue(), '2024/07/03（水）')
    await page.keyboard.insertText('障害のポストモーテムを書いた。本番サーバーの GCP 設定を見直した。')
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })
    // Japanese text counts characters only.
    const counts = await page.locator('footer .counts').textContent()
    assert.match(counts, /^\d+ 文字$/)
    await date.fill('2024.7.4')
    await date.blur()
    assert.equal(await date.inputValue(), '2024/07/04（木）')
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })
    await page.goto(url)
    await page.locator('.entry', { hasText: '障害対応の記録' }).getByText('7/4（木）').waitFor()
  }],

  ['an English note counts words too', async ({ page, url }) => {
    await page.goto(url)
    await page.getByRole('button', { name: '新しい日記' }).click()
    await page.getByLabel('タイトル').fill('Rollout notes')
    await page.locator('.cm-content').click()
    await page.keyboard.insertText('The new cluster went live on Tuesday.')
    await page.locator('footer .counts', { hasText: '31 文字 · 7 語' }).waitFor()
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })
  }],

  ['a list marker typed after a continued one is the same bullet', async ({ page, url }) => {
    await page.goto(url)
    await page.locator('.entry', { hasText: 'Rollout notes' }).click()
    await page.locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Enter')
    await page.keyboard.type('- first')
    await page.keyboard.press('Enter') // the editor continues the list with "- "
    await page.keyboard.type('- second')
    await page.keyboard.press('Enter')
    await page.keyboard.type('- third')
    const text = await page.locator('.cm-content').innerText()
    assert.ok(text.endsWith('- first\n- second\n- third'), JSON.stringify(text))
  }],

  ['tag suggestions close once a tag is added and when the field is left', async ({ page, url }) => {
    await page.goto(url)
    await page.locator('.entry', { hasText: 'Rollout notes' }).click()
    const field = page.getByRole('combobox', { name: 'タグ' })
    const list = page.getByRole('listbox', { name: '候補' })
    await field.click()
    await page.keyboard.type('sr')
    await list.getByRole('option', { name: /SRE/ }).waitFor()
    await page.locator('.cm-content').click()
    assert.equal(await list.count(), 0, 'the list closes when the field is left')
    await field.fill('')
    await page.keyboard.type('sr')
    await list.waitFor()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.locator('.tags .tag', { hasText: 'SRE' }).waitFor()
    assert.equal(await list.count(), 0, 'the list closes after a tag is added')
    assert.equal(await field.inputValue(), '')
  }],

  ['search help closes on Escape and outside clicks, stays under dialogs, and its examples find their text', async ({ page, url }) => {
    await page.goto(url)
    const help = page.getByRole('button', { name: '検索の書き方' })
    const popover = page.getByRole('dialog', { name: '検索の書き方' })
    await help.click()
    await popover.waitFor()
    await page.keyboard.press('Escape')
    await popover.waitFor({ state: 'detached' })
    await help.click()
    await page.locator('.content').click({ position: { x: 300, y: 400 } })
    await popover.waitFor({ state: 'detached' })
    await help.click()
    await page.keyboard.press('Control+,')
    await page.getByRole('dialog', { name: '設定' }).waitFor()
    assert.equal(await popover.count(), 0, 'a dialog opening closes the popover')
    await page.keyboard.press('Escape')
    const box = page.getByRole('searchbox', { name: '検索' })
    await help.click()
    const examples = await popover.locator('code').allTextContents()
    assert.ok(examples.length >= 6, String(examples))
    for (const example of examples) {
      if (!(await popover.isVisible())) await help.click()
      await popover.locator('code', { hasText: example }).click()
      assert.equal(await box.inputValue(), example)
      await page.locator('.hit').first().waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error(`the help example ${example} finds nothing`)
      })
    }
  }],

  ['results show plain text, marked titles; clearing the search clears the marks; タイムライン goes back', async ({ page, url, out }) => {
    await page.goto(url)
    const box = page.getByRole('searchbox', { name: '検索' })
    await box.fill('資料')
    const hit = page.locator('.hit', { hasText: 'サーバー移行の振り返り' })
    await hit.waitFor()
    const snippet = await hit.locator('.snippet').textContent()
    assert.ok(snippet.includes('資料') && !snippet.includes('](') && !snippet.includes('https://'), snippet)
    await box.fill('サーバー')
    await page.locator('.hit .title mark', { hasText: 'サーバー' }).first().waitFor()
    await page.screenshot({ path: join(out, 'e2e-ja-results.png') })
    await page.locator('.hit', { hasText: 'サーバー移行の振り返り' }).click()
    await page.locator('.cm-hit').first().waitFor()
    await page.getByRole('button', { name: 'タイムライン' }).click()
    await page.locator('.entry').first().waitFor()
    assert.equal(await box.inputValue(), 'サーバー', 'the query is kept')
    assert.equal(await page.locator('.hit').count(), 0)
    await box.click()
    await box.press('Escape')
    await page.waitForFunction(() => document.querySelectorAll('.cm-hit').length === 0)
  }],

  ['heat map: this year, month labels, Japanese tooltips, visible cells in the dark', async ({ page, url, out }) => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(url)
    const calendar = page.locator('.calendar')
    assert.equal(await calendar.locator('.year').textContent(), String(thisYear))
    const months = await calendar.locator('.month').allTextContents()
    assert.deepEqual(months, ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'])
    const first = await calendar.locator('.cell').first().getAttribute('title')
    assert.match(first, new RegExp(`^${thisYear}/01/01（[日月火水木金土]）：\\d+ 件$`))
    await calendar.getByRole('button', { name: '前の年' }).click()
    await calendar.getByRole('button', { name: '前の年' }).click()
    assert.equal(await calendar.locator('.year').textContent(), String(thisYear - 2))
    // An empty day must stand out from the sidebar in the dark theme.
    const [cell, bg] = await page.evaluate(() => [
      getComputedStyle(document.querySelector('.calendar .cell.l0')).backgroundColor,
      getComputedStyle(document.body).backgroundColor,
    ])
    const lum = (c) => c.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3
    assert.ok(lum(cell) - lum(bg) >= 18, `empty cell ${cell} on ${bg}`)
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    await page.getByLabel('タイトル').waitFor()
    await page.screenshot({ path: join(out, 'e2e-ja-dark.png') })
  }],

  ['heat map: one tab stop, arrow keys move by day, Enter or a click picks the day', async ({ page, url }) => {
    await page.goto(url)
    const calendar = page.locator('.calendar')
    const iso = (d) => `${d.getFullYear()}/${String(d.getMonth() + 1).padStart(2, '0')}/${String(d.getDate()).padStart(2, '0')}`
    const now = new Date()
    const stops = calendar.locator('.cell[tabindex="0"]')
    // The days come with the diary's counts, after the page: wait for them.
    await stops.first().waitFor()
    assert.equal(await stops.count(), 1)
    const today = stops.first()
    assert.ok((await today.getAttribute('aria-label')).startsWith(iso(now)), 'the tab stop is today')
    await today.focus()
    await page.keyboard.press('Enter')
    await calendar.locator('.clear', { hasText: iso(now) }).waitFor()
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).waitFor()
    assert.equal(await page.locator('.entry', { hasText: '勉強会メモ' }).count(), 0)
    if (now.getMonth() > 0 || now.getDate() > 1) {
      await page.keyboard.press('ArrowUp')
      const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1)
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '')
      assert.ok(focused.startsWith(iso(yesterday)), `ArrowUp went to ${focused}`)
      assert.equal(await stops.count(), 1)
    }
    await calendar.locator('.cell.picked').click()
    await calendar.locator('.clear').waitFor({ state: 'detached' })
    await page.locator('.entry', { hasText: '勉強会メモ' }).first().waitFor()
  }],

  ['the preview toggle shows whether it is on', async ({ page, url }) => {
    await page.goto(url)
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    const toggle = page.getByRole('button', { name: 'プレビュー' })
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true')
    await toggle.click()
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false')
    assert.equal(await page.locator('.preview').count(), 0)
    await toggle.click()
    await page.locator('.preview').waitFor()
  }],

  ['at 720 px the toolbar keeps every word whole, with tooltips', async ({ page, url, out }) => {
    await page.setViewportSize({ width: 720, height: 600 })
    await page.goto(url)
    // At 720 px the list is a drawer beside the toolbar's ☰.
    await page.getByRole('button', { name: '日記の一覧' }).click()
    await page.locator('.entry', { hasText: 'サーバー移行の振り返り' }).click()
    await page.getByLabel('タイトル').waitFor()
    const buttons = page.locator('header nav button')
    for (let i = 0; i < (await buttons.count()); i++) {
      const b = buttons.nth(i)
      const [label, title, lines, right] = await b.evaluate((el) => {
        const r = el.getBoundingClientRect()
        const span = el.querySelector('.label')
        const shown = span && getComputedStyle(span).display !== 'none'
        // One line of text is one client rect per text run.
        const lines = shown ? span.getClientRects().length : 0
        return [el.getAttribute('aria-label'), el.getAttribute('title'), lines, r.right]
      })
      assert.ok(label && title?.startsWith(label), `button ${i} has no tooltip`)
      assert.ok(lines <= 1, `${label} breaks over ${lines} lines`)
      assert.ok(right <= 720, `${label} runs off the window`)
    }
    const height = await page.locator('header').evaluate((el) => el.getBoundingClientRect().height)
    assert.ok(height < 56, `the toolbar wrapped: ${height}px`)
    await page.screenshot({ path: join(out, 'e2e-ja-720.png') })
  }],
]
