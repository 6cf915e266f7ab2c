// Related entries beside the editor: they follow what is typed, only once
// typing pauses, list the words they share, and open on a click. One data
// folder of its own.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const notes = [
  { Title: '決済APIのポストモーテム', Body: '決済APIがタイムアウトした。原因はコネクションプールの枯渇。再発防止にプールの監視を足す。', Date: '2024-03-02', Tags: ['SRE'] },
  { Title: '決済の遅延', Body: '決済サービスのレイテンシが悪化した。コネクションプールの上限を見直した。', Date: '2024-05-20', Tags: ['SRE'] },
  { Title: '週末の登山', Body: '高尾山に登った。紅葉がきれいで、下山して蕎麦を食べた。', Date: '2024-11-09', Tags: [] },
  { Title: '登山の装備', Body: '高尾山の次は丹沢に行く。登山靴とレインウェアを買った。', Date: '2024-11-20', Tags: [] },
  { Title: '読書メモ', Body: '長編小説を読み終えた。文体が好きだ。', Date: '2024-12-01', Tags: [] },
]

export const tests = [
  ['related entries follow the text as it is typed, and open on a click', async ({ page, out, startBridge }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-related-'))
    const { proc, url } = await startBridge(join(dir, 'diary'))
    try {
      await page.goto(url)
      await page.getByRole('button', { name: '最初の日記を書く' }).waitFor()
      for (const n of notes) await page.evaluate((e) => window.go.desktop.Entries.Save({ ID: '', ...e }), n)
      await page.reload()
      // Count the panel's questions to the core, to see that typing does
      // not ask one per keystroke.
      await page.evaluate(() => {
        const f = window.go.desktop.Finder
        const related = f.Related
        window.relatedCalls = 0
        f.Related = (...a) => {
          window.relatedCalls++
          return related(...a)
        }
      })
      await page.keyboard.press('Control+n')
      await page.getByLabel('タイトル').fill('決済の障害')
      const panel = page.getByRole('complementary', { name: '関連する日記' })
      await page.locator('.cm-content').click()
      const before = await page.evaluate(() => window.relatedCalls)
      await page.keyboard.type('今朝また決済が止まった。コネクションプールが足りない。', { delay: 60 })
      const during = (await page.evaluate(() => window.relatedCalls)) - before
      assert.ok(during <= 2, `${during} related questions while typing; expected none until a pause`)

      const pm = panel.locator('.item', { hasText: '決済APIのポストモーテム' })
      await pm.waitFor()
      await panel.locator('.item', { hasText: '決済の遅延' }).waitFor()
      assert.ok(await pm.locator('mark', { hasText: 'コネクションプール' }).count() === 1, 'the shared word is not marked')
      assert.equal(await panel.locator('.item', { hasText: '週末の登山' }).count(), 0)
      await page.screenshot({ path: join(out, 'e2e-related.png') })

      // The text turns to another topic: the list follows.
      await page.keyboard.press('Control+a')
      await page.keyboard.type('高尾山に登山。紅葉を見に行く。', { delay: 30 })
      // The title still says 決済, so those stay, below the entries about
      // what the text is now about.
      await page.waitForFunction(() => [...document.querySelectorAll('.related .item .title')].slice(0, 2).map((e) => e.textContent).sort().join() === '登山の装備,週末の登山')
      assert.equal(await panel.locator('.item').first().locator('mark').first().textContent(), '高尾山')
      await page.screenshot({ path: join(out, 'e2e-related-updated.png') })

      // A click opens that entry in the editor, with the panel beside it.
      await panel.locator('.item', { hasText: '登山の装備' }).click()
      await page.waitForFunction(() => document.querySelector('.title-input')?.value === '登山の装備')
      await page.locator('.cm-content', { hasText: '丹沢' }).waitFor()
      await panel.locator('.item', { hasText: '週末の登山' }).waitFor()
      assert.equal(await panel.locator('.item', { hasText: '登山の装備' }).count(), 0, 'an entry is listed as related to itself')
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.screenshot({ path: join(out, 'e2e-related-dark.png') })
    } finally {
      proc.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }],
]
