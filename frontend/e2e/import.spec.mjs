// Importing through the dialog, on the data folder the diary specs left.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { notes } from './notes.mjs'

async function importFile({ page, url }, file, count) {
  await page.getByRole('button', { name: '読み込み', exact: true }).click()
  await fetch(url + '/__test/next-pick', { method: 'POST', body: JSON.stringify([file]) })
  await page.getByRole('button', { name: 'ファイルを選ぶ' }).click()
  await page.getByText(`${count} 件を読み込めます`).waitFor()
  await page.getByRole('button', { name: '読み込む', exact: true }).click()
  await page.getByText(`${count} 件を追加`).waitFor({ timeout: 60_000 })
}

export const tests = [
  ['a large import shows saving and indexing, ends with a summary, and is searchable', async ({ page, url, out }) => {
    await page.goto(url)
    // Every text the progress labels show, however briefly.
    await page.evaluate(() => {
      window.__stages = []
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.stage')) window.__stages.push(el.textContent.trim())
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    await importFile({ page, url }, notes('large', 3000), 3000)
    await page.screenshot({ path: join(out, 'e2e-import.png') })
    const stages = await page.evaluate(() => window.__stages)
    assert.ok(stages.some((s) => /^保存 \d+ \/ 3000 件/.test(s)), `saving was never shown: ${stages.slice(-3)}`)
    assert.ok(stages.some((s) => /索引 [1-9]\d* \/ \d+ 件/.test(s)), `indexing was never shown: ${stages.slice(-3)}`)
    await page.getByRole('button', { name: '閉じる' }).click()
    await page.getByRole('searchbox', { name: '検索' }).fill('ﾎﾟｽﾄﾓｰﾃﾑ large 2999')
    await page.locator('.hit', { hasText: '勉強会メモ large 2999' }).waitFor()
  }],

  ['a one-entry import, over before the dialog hears back, still ends', async ({ page, url }) => {
    await page.goto(url)
    await importFile({ page, url }, notes('small', 1), 1)
  }],

  ['odd tags are kept with a warning naming file:line; an unreadable line goes to the rejects file', async ({ page, url, out }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-odd-'))
    const file = join(dir, 'odd.jsonl')
    const broken = '{"id":"odd-2","title":"閉じていない行"'
    writeFileSync(file, [
      JSON.stringify({ id: 'odd-1', title: 'カンマ入りタグの記事', body: '本文', date: '2024-05-01', tags: ['Go, Rust'] }),
      broken,
      JSON.stringify({ id: 'odd-3', title: '日付の読めない記事', body: '本文', date: '先週の金曜' }),
    ].join('\n') + '\n')
    await page.goto(url)
    await importFile({ page, url }, file, 2)
    const dialog = page.getByRole('dialog', { name: '日記を読み込む' })
    await dialog.getByText('直して読み込んだ記事 (2)').waitFor()
    await dialog.locator('.warnings li', { hasText: 'odd.jsonl:1' }).getByText('comma').waitFor()
    await dialog.locator('.warnings li', { hasText: 'odd.jsonl:3' }).waitFor()
    await dialog.locator('.problems li', { hasText: 'odd.jsonl:2' }).waitFor()
    await dialog.getByText(join(dir, 'odd.rejects.jsonl')).waitFor()
    assert.equal(readFileSync(join(dir, 'odd.rejects.jsonl'), 'utf8'), broken + '\n')
    await page.screenshot({ path: join(out, 'e2e-import-warnings.png') })
  }],
]
