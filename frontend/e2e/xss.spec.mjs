// The sealed webview: the XSS corpus (render/testdata/xss.txt) through every
// way text reaches the UI, links, remote images. Throughout, a payload that
// ran would call the canary the bridge binds (Canary.Hit), open a dialog, or
// make the page request something from outside the bridge.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import zlib from 'node:zlib'
import { join } from 'node:path'

function corpus(root) {
  const raw = readFileSync(join(root, 'render', 'testdata', 'xss.txt'), 'utf8')
  return ('\n' + raw).split('\n=== ').slice(1).map((block, i) => {
    const nl = block.indexOf('\n')
    return { name: block.slice(0, nl), payload: block.slice(nl + 1).replace(/\n$/, ''), marker: `xssv${String(i).padStart(3, '0')}` }
  })
}

const oneLine = (s) => s.replace(/[\r\n]/g, ' ')
// Storage refuses tags with commas or control characters; the rest stays.
const tagOf = (s) => s.replace(/[\x00-\x1f,]/g, ' ')

// sources writes the corpus as a Hatena Blog export, a Markdown folder and a
// Day One export, each vector a title, a tag and a body.
function sources(vectors) {
  const dir = mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-xss-'))
  let mt = ''
  const dayone = []
  mkdirSync(join(dir, 'vault'))
  mkdirSync(join(dir, 'dayone'))
  for (const v of vectors) {
    mt += `AUTHOR: tester\nTITLE: ${oneLine(v.payload)}\nBASENAME: xss/${v.marker}\nSTATUS: Publish\nDATE: 01/02/2024 10:00:00\nCATEGORY: ${tagOf(v.payload)}\n-----\nBODY:\n<p>カナリア ${v.marker}</p>\n${v.payload}\n-----\n--------\n`
    writeFileSync(join(dir, 'vault', `${v.marker}.md`),
      `---\ntitle: ${JSON.stringify(v.payload)}\ntags: [${JSON.stringify(tagOf(v.payload))}]\n---\nカナリア ${v.marker}\n\n${v.payload}\n`)
    dayone.push({ uuid: v.marker.toUpperCase(), creationDate: '2024-01-03T10:00:00Z', text: `# ${oneLine(v.payload)}\n\nカナリア ${v.marker}\n\n${v.payload}`, tags: [tagOf(v.payload)] })
  }
  writeFileSync(join(dir, 'hatena.txt'), mt)
  writeFileSync(join(dir, 'dayone', 'Journal.json'), JSON.stringify({ entries: dayone }))
  return dir
}

// list reads one of the bridge's test lists (null when empty).
async function list(u) {
  return (await (await fetch(u)).json()) ?? []
}

// watch records what would betray a payload that ran: the app asks its
// questions in its own dialog, so any browser dialog is one.
async function watch(page, url) {
  const seen = { dialogs: [], requests: [], failures: new Map(), violations: [] }
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`)
    d.dismiss().catch(() => {})
  })
  page.on('request', (r) => seen.requests.push(r.url()))
  page.on('requestfailed', (r) => seen.failures.set(r.url(), r.failure()?.errorText))
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.violations.push(m.text())
  })
  const canaryBefore = (await list(url + '/__test/canary')).length
  const openedBefore = (await list(url + '/__test/opened')).length
  return async function verify() {
    const hits = (await list(url + '/__test/canary')).slice(canaryBefore)
    assert.deepEqual(hits, [], 'a payload called the canary')
    assert.deepEqual(seen.dialogs, [], 'a payload opened a dialog')
    const origin = new URL(url).origin
    // Even an attempt the policy blocked ("csp") fails the test: the
    // sanitiser must stop it first.
    const outside = seen.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'))
    assert.deepEqual(outside.map((u) => `${u} (${seen.failures.get(u) ?? 'sent'})`), [], 'the page requested something outside the app')
    const opened = (await list(url + '/__test/opened')).slice(openedBefore)
    for (const link of opened) assert.match(link, /^(https?:\/\/|mailto:)/, `the browser was asked to open ${link}`)
    assert.equal(page.url(), url + '/', 'the app window navigated')
    return { opened, violations: seen.violations }
  }
}

// resultsFor waits for the three results (one per import format) of a
// vector's marker, not the previous query's.
async function resultsFor(page, marker) {
  await page.waitForFunction((m) => {
    const hits = [...document.querySelectorAll('.hit')]
    return hits.length === 3 && hits.every((h) => h.textContent.includes(m))
  }, marker)
}

async function importWith(page, url, format, path, count) {
  await page.getByRole('button', { name: '読み込み', exact: true }).click()
  await page.getByLabel('形式').selectOption(format)
  await fetch(url + '/__test/next-pick', { method: 'POST', body: JSON.stringify([path]) })
  await page.getByRole('button', { name: format === 'hatena' ? 'ファイルを選ぶ' : 'フォルダを選ぶ' }).click()
  await page.getByText(`${count} 件を読み込めます`).waitFor()
  await page.getByRole('button', { name: '読み込む', exact: true }).click()
  await page.getByText(`${count} 件を追加`).waitFor({ timeout: 60_000 })
  await page.getByRole('button', { name: '閉じる' }).click()
}

// poke hovers, focuses and (with click) clicks everything a note rendered:
// a payload that survived as a link, a handler or a form would fire now.
async function poke(page, scope, click = true) {
  await page.locator(scope).evaluateAll((roots, click) => {
    for (const root of roots) {
      for (const el of root.querySelectorAll('*')) {
        el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }))
        if (typeof el.focus === 'function') el.focus()
        if (click && typeof el.click === 'function') el.click()
      }
    }
  }, click)
  await page.waitForTimeout(150)
}

// A 160×90 PNG of one colour, and a server on 127.0.0.1 that counts who
// asks for it.
function solidPNG(w, h, [r, g, b]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())])
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}
const png = solidPNG(160, 90, [70, 130, 180])
async function imageServer() {
  const server = createServer((req, res) => {
    server.hits++
    res.writeHead(200, { 'Content-Type': 'image/png' })
    res.end(png)
  })
  server.hits = 0
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, base: `http://127.0.0.1:${server.address().port}` }
}

export const tests = [
  ['the canary is live, and the policy blocks what the sanitiser would miss', async ({ page, url }) => {
    await page.goto(url)
    const before = (await list(url + '/__test/canary')).length
    await page.evaluate(() => window.go.desktop.Canary.Hit())
    const after = (await list(url + '/__test/canary')).length
    assert.equal(after, before + 1)
    // The second wall: markup put into the page directly, past the
    // sanitiser, still neither loads from the network nor runs.
    const failed = []
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`))
    await page.evaluate(() => {
      const div = document.createElement('div')
      div.innerHTML = '<img src="https://evil.example/probe.png" onerror="top.go.desktop.Canary.Hit()">' +
        '<link rel="stylesheet" href="https://evil.example/probe.css"><iframe src="https://evil.example/"></iframe>'
      document.body.append(div)
    })
    await page.waitForTimeout(500)
    assert.equal((await list(url + '/__test/canary')).length, after, 'an inline handler ran')
    assert.ok(failed.includes('https://evil.example/probe.png csp'), `image not blocked by the policy: ${failed}`)
    assert.ok(failed.includes('https://evil.example/probe.css csp'), `stylesheet not blocked by the policy: ${failed}`)
  }],

  ['the XSS corpus stays inert through imports, search, titles, tags, snippets, highlights and the preview', async ({ page, url, out, root }) => {
    const vectors = corpus(root)
    assert.ok(vectors.length >= 50, `only ${vectors.length} vectors read`)
    await page.goto(url)
    const verify = await watch(page, url)
    const dir = sources(vectors)
    await importWith(page, url, 'hatena', join(dir, 'hatena.txt'), vectors.length)
    await importWith(page, url, 'markdown', join(dir, 'vault'), vectors.length)
    await importWith(page, url, 'dayone', join(dir, 'dayone'), vectors.length)

    const box = page.getByRole('searchbox', { name: '検索' })
    for (const [i, v] of vectors.entries()) {
      await box.fill(v.marker)
      const hits = page.locator('.hit')
      await resultsFor(page, v.marker)
      // Titles and tags are text: the payload shows as written.
      if (v.payload.includes('<') && !/[\x00-\x1f]/.test(v.payload)) {
        const titles = await page.locator('.hit .title').allTextContents()
        assert.ok(titles.some((t) => t.includes(oneLine(v.payload).trim().slice(0, 20))), `${v.name}: titles ${titles}`)
      }
      // Snippets are escaped text with <mark> only.
      const marks = await page.locator('.hit .snippet').evaluateAll((els) => els.flatMap((e) => [...e.querySelectorAll('*')].map((c) => c.tagName)))
      assert.ok(marks.every((tag) => tag === 'MARK'), `${v.name}: snippet elements ${marks}`)
      await poke(page, '.hit', false)
      // Open one of the three (a different format each time), highlighted.
      await box.fill(v.marker)
      await resultsFor(page, v.marker)
      await hits.nth(i % 3).click()
      await page.locator('.preview', { hasText: v.marker }).waitFor()
      await page.locator('.cm-hit').first().waitFor()
      await poke(page, '.preview')
      await poke(page, '.tags', false)
      if (v.name === 'img-remote-html') await page.screenshot({ path: join(out, 'e2e-xss-remote-placeholder.png') })
    }

    // Pasted HTML, and a hostile title and tag typed in.
    await page.getByRole('button', { name: '新しい日記' }).click()
    await page.getByLabel('タイトル').fill('<img src=x onerror=top.go.desktop.Canary.Hit()> 貼り付け')
    await page.getByLabel('タグ').fill('<svg onload=top.go.desktop.Canary.Hit()>')
    await page.getByLabel('タグ').press('Enter')
    await page.locator('.cm-content').click()
    const pasted = 'カナリア xsspaste\n\n' + vectors.map((v) => v.payload).join('\n\n')
    await page.locator('.cm-content').evaluate((el, html) => {
      const data = new DataTransfer()
      data.setData('text/html', html)
      data.setData('text/plain', html)
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, pasted)
    await page.locator('.preview', { hasText: 'xsspaste' }).waitFor()
    await page.getByText('保存済み').waitFor({ timeout: 10_000 })
    await poke(page, '.preview')
    await page.screenshot({ path: join(out, 'e2e-xss-pasted.png') })
    await box.fill('xsspaste')
    await page.locator('.hit', { hasText: '貼り付け' }).waitFor()
    await poke(page, '.hit', false)

    const { violations } = await verify()
    // The sanitiser stops every vector before the policy has to.
    assert.deepEqual(violations, [], 'the Content-Security-Policy had to block something')
  }],

  ['only web and mail links open, in the browser; when it cannot open, the link can be copied', async ({ page, url }) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await page.goto(url)
    const verify = await watch(page, url)
    await page.getByRole('button', { name: '新しい日記' }).click()
    await page.getByLabel('タイトル').fill('リンク集')
    await page.locator('.cm-content').click()
    await page.keyboard.insertText([
      '[ウェブ](https://example.com/slides)', '[メール](mailto:team@example.com)',
      '<a href="java&#x09;script:top.go.desktop.Canary.Hit()">タブ</a>', '[ファイル](file:///etc/passwd)',
      '<a href="JaVaScRiPt:top.go.desktop.Canary.Hit()">大文字</a>',
    ].join('\n\n'))
    for (const name of ['タブ', 'ファイル', '大文字']) {
      await page.locator('.preview').getByText(name).click()
    }
    await page.locator('.preview a', { hasText: 'ウェブ' }).click()
    await page.locator('.preview a', { hasText: 'メール' }).click()
    await page.waitForFunction(async () => (await (await fetch('/__test/opened')).json()).includes('mailto:team@example.com'))
    const { opened } = await verify()
    assert.deepEqual(opened, ['https://example.com/slides', 'mailto:team@example.com'])

    // No browser: the message says so and offers to copy the link.
    await fetch(url + '/__test/browser-fails', { method: 'POST', body: 'true' })
    try {
      await page.locator('.preview a', { hasText: 'ウェブ' }).click()
      await page.getByText('ブラウザを開けませんでした').waitFor()
      await page.getByRole('button', { name: 'リンクをコピー' }).click()
      await page.getByText('リンクをコピーしました').waitFor()
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'https://example.com/slides')
    } finally {
      await fetch(url + '/__test/browser-fails', { method: 'POST', body: 'false' })
    }
  }],

  ['a remote image is a placeholder until "Load images", which copies it into the data folder', async ({ page, url, out }) => {
    const { server, base } = await imageServer()
    try {
      await page.goto(url)
      // The server is on this computer: the app asks before fetching.
      const verify = await watch(page, url)
      await page.getByRole('button', { name: '新しい日記' }).click()
      await page.getByLabel('タイトル').fill('会場の写真')
      await page.locator('.cm-content').click()
      await page.keyboard.insertText(`勉強会の会場。\n\n![会場](${base}/hall.png)`)
      await page.locator('.preview .remote-image').waitFor()
      await page.getByText('外部サーバーの画像が 1 枚あります').waitFor()
      await page.getByText('保存済み').waitFor({ timeout: 10_000 })
      assert.equal(server.hits, 0, 'showing the note contacted the image server')
      await page.screenshot({ path: join(out, 'e2e-remote-image-placeholder.png') })

      await page.getByRole('button', { name: '画像を読み込む' }).click()
      // The app's own question, not the webview's confirm().
      await page.getByRole('alertdialog').filter({ hasText: /127\.0\.0\.1 は、このパソコンか/ }).getByRole('button', { name: '画像を読み込む' }).click()
      await page.locator('.preview img[src^="/attachments/"]').waitFor()
      await page.getByText('画像を 1 枚読み込み').waitFor()
      assert.equal(server.hits, 1, 'the core fetched the image once')
      assert.match(await page.locator('.cm-content').textContent(), /!\[会場\]\(attachments\/[0-9a-f]{64}\.png\)/)
      assert.equal(await page.locator('.remote-bar').count(), 0)
      await page.screenshot({ path: join(out, 'e2e-remote-image-loaded.png') })
      // Remembered: the entry shows its copy from now on, with no request.
      await page.reload()
      await page.locator('.entry', { hasText: '会場の写真' }).click()
      await page.locator('.preview img[src^="/attachments/"]').waitFor()
      assert.equal(server.hits, 1)
      assert.equal(await page.getByRole('alertdialog').count(), 0, 'the app asked about the local host again')
      await verify()
    } finally {
      server.close()
    }
  }],

  ['import copies remote images only when the box is ticked', async ({ page, url }) => {
    const { server, base } = await imageServer()
    try {
      await page.goto(url)
      const verify = await watch(page, url)
      const file = join(mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-img-')), 'photos.jsonl')
      const write = (extra) => writeFileSync(file, JSON.stringify({ id: 'photo-1', title: 'ミートアップの写真', body: `![壇上](${base}/stage.png)${extra}`, date: '2024-06-01', tags: [] }) + '\n')
      write('')
      await page.getByRole('button', { name: '読み込み', exact: true }).click()
      await fetch(url + '/__test/next-pick', { method: 'POST', body: JSON.stringify([file]) })
      await page.getByRole('button', { name: 'ファイルを選ぶ' }).click()
      const box = page.getByLabel(/外部サーバーの画像（1 枚）もデータフォルダにコピーする/)
      await box.waitFor()
      assert.equal(await box.isChecked(), false, 'copying images must be off by default')
      await page.getByRole('button', { name: '読み込む', exact: true }).click()
      await page.getByText('1 件を追加').waitFor()
      assert.equal(server.hits, 0, 'an import without the box ticked contacted the server')

      write(' 追記')
      await page.getByRole('button', { name: '閉じる' }).click()
      await page.getByRole('button', { name: '読み込み', exact: true }).click()
      await fetch(url + '/__test/next-pick', { method: 'POST', body: JSON.stringify([file]) })
      await page.getByRole('button', { name: 'ファイルを選ぶ' }).click()
      assert.equal(await box.isChecked(), false)
      await box.check()
      await page.getByRole('button', { name: '読み込む', exact: true }).click()
      await page.getByText('1 件を更新').waitFor()
      await page.getByRole('alertdialog').filter({ hasText: /127\.0\.0\.1 は、このパソコンか/ }).getByRole('button', { name: '画像を読み込む' }).click()
      // Refused at first, then imported again once the host is allowed.
      for (let i = 0; i < 100 && server.hits < 1; i++) await page.waitForTimeout(100)
      assert.equal(server.hits, 1)
      await page.getByRole('button', { name: '閉じる' }).click()
      await page.getByRole('searchbox', { name: '検索' }).fill('ミートアップの写真')
      await page.locator('.hit', { hasText: 'ミートアップの写真' }).click()
      await page.locator('.preview img[src^="/attachments/"]').waitFor()
      assert.equal(await page.getByRole('alertdialog').count(), 0, 'the import asked about the local host again')
      await verify()
    } finally {
      server.close()
    }
  }],
]
