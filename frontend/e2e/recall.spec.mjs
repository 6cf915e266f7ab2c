// Searching the way people recall: another spelling finds the note and says
// so, a slip of the IME offers "もしかして", and the user's own synonyms
// apply as soon as they are saved. One data folder of its own.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const notes = [
  { Title: '定例の打ち合わせ', Body: '来週のポストモーテムの進め方を決めた。', Date: '2024-06-03', Tags: [] },
  { Title: '計測', Body: 'ストップウォッチで処理時間を計った。', Date: '2024-06-04', Tags: [] },
  { Title: '進捗', Body: 'Project Hoge の進捗を共有した。', Date: '2024-06-05', Tags: [] },
]

export const tests = [
  ['search finds other spellings, suggests a correction, and uses the user\'s synonyms', async ({ page, out, startBridge }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-recall-'))
    const { proc, url } = await startBridge(join(dir, 'diary'))
    try {
      await page.goto(url)
      await page.getByRole('button', { name: '最初の日記を書く' }).waitFor()
      for (const n of notes) await page.evaluate((e) => window.go.desktop.Entries.Save({ ID: '', ...e }), n)
      await page.reload()
      const box = page.getByRole('searchbox', { name: '検索' })

      // English for a loanword: found, marked as another spelling, and the
      // snippet marks the note's own word.
      await box.fill('postmortem')
      const hit = page.locator('.hit', { hasText: '定例の打ち合わせ' })
      await hit.waitFor()
      await hit.locator('.variant', { hasText: '表記ゆれ' }).waitFor()
      assert.equal(await hit.locator('mark').first().textContent(), 'ポストモーテム')
      await page.screenshot({ path: join(out, 'e2e-search-variant.png') })

      // A missing kana: the closest note, under "もしかして", which searches
      // for the suggestion when clicked.
      await box.fill('ストップウッチ')
      const suggestion = page.locator('.suggestion', { hasText: 'もしかして' })
      await suggestion.waitFor()
      await page.locator('.hit', { hasText: '計測' }).waitFor()
      await page.screenshot({ path: join(out, 'e2e-search-suggestion.png') })
      await suggestion.getByRole('button', { name: 'ストップウォッチ' }).click()
      assert.equal(await box.inputValue(), 'ストップウォッチ')
      await page.locator('.hit', { hasText: '計測' }).locator('.variant').waitFor({ state: 'detached' })

      // The user's synonyms: saved in Settings, used by the next search.
      await box.fill('ほげ計画')
      await page.getByText('見つかりませんでした').waitFor()
      await page.keyboard.press('Control+,')
      const editor = page.getByRole('textbox', { name: '同義語' })
      await editor.fill('ほげ計画, Project Hoge')
      await page.getByRole('button', { name: '同義語を保存' }).click()
      await page.getByText('同義語を保存しました').waitFor()
      assert.match(readFileSync(join(dir, 'diary', 'synonyms.txt'), 'utf8'), /ほげ計画, Project Hoge/)
      await page.getByRole('button', { name: '閉じる' }).click()
      await box.fill('')
      await box.fill('ほげ計画')
      await page.locator('.hit', { hasText: '進捗' }).waitFor()
    } finally {
      proc.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }],
]
