// Help › About (ヘルプ › バージョン情報) is a native menu item: the app
// sends menu:about, which the test sends the same way the menu does.
import assert from 'node:assert/strict'
import { join } from 'node:path'

export const tests = [
  ['Help › About shows the version, in Japanese, and closes on Escape', async ({ page, url, out }) => {
    await page.goto(url)
    await page.getByText('ようこそ、綴りへ').waitFor()
    await page.evaluate(() => window.runtime.EventsEmit('menu:about'))
    const dialog = page.getByRole('dialog', { name: 'バージョン情報' })
    await dialog.waitFor()
    const version = dialog.getByTestId('about-version')
    await page.waitForFunction(() => document.querySelector('[data-testid="about-version"]')?.textContent !== '')
    assert.match(await version.textContent(), /^バージョン (\d+\.\d+\.\d+|devel)/)
    await dialog.getByText('日本語で全文検索できるローカル日記').waitFor()
    await page.screenshot({ path: join(out, 'e2e-about.png') })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await page.evaluate(() => window.runtime.EventsEmit('menu:about'))
    await dialog.getByRole('button', { name: '閉じる' }).click()
    await dialog.waitFor({ state: 'detached' })
  }],
]
