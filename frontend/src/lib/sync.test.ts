import { describe, expect, it, vi, afterEach } from 'vitest'
import { mount, unmount, flushSync, tick } from 'svelte'
import { setBackend, type Entry, type SyncState } from './api'
import { ui, toasts } from './state.svelte'
import { remoteAction, looksLikeCloudDrive, passphraseStrength, type Base } from './sync'
import { sideBySide, unionMerge } from './diff'
import SyncSettings from '../components/SyncSettings.svelte'
import ConflictDialog from '../components/ConflictDialog.svelte'

afterEach(() => {
  setBackend(null)
  ui.lang = 'ja'
  ui.dialog = 'none'
  ui.openId = ''
  ui.conflicts = []
  toasts.splice(0)
  document.body.innerHTML = ''
})

const entry = (over: Partial<Entry>): Entry => ({
  id: 'e1', title: '勉強会', body: '一行目\n二行目', date: '2024-03-01', tags: ['rust'],
  createdAt: '2024-03-01T00:00:00Z', updatedAt: '2024-03-01T00:00:00Z', ...over,
})

describe('remoteAction', () => {
  const base: Base = { title: '勉強会', body: '一行目\n二行目', date: '2024-03-01', tags: ['rust'], conflicts: 0 }
  it.each([
    ['nothing new', 'saved', entry({}), 'none'],
    ['new text, nothing typed', 'saved', entry({ body: 'あちらの本文' }), 'replace'],
    ['new text, nothing typed since opening', 'idle', entry({ title: '別の題' }), 'replace'],
    ['new text while typing', 'dirty', entry({ body: 'あちらの本文' }), 'notice'],
    ['new text while saving', 'saving', entry({ tags: ['go'] }), 'notice'],
    ['new text after a failed save', 'error', entry({ date: '2024-03-02' }), 'notice'],
    ['only a conflict, while typing', 'dirty', entry({ conflicts: 1 }), 'badge'],
    ['trashed there', 'saved', entry({ deletedAt: '2024-03-02T00:00:00Z' }), 'trashed'],
  ] as const)('%s', (_, state, now, want) => {
    expect(remoteAction(state, base, now)).toBe(want)
  })
})

describe('side by side', () => {
  it('faces changed lines and folds what is far from them', () => {
    const same = Array.from({ length: 10 }, (_, i) => `行 ${i}`)
    const left = [...same, '今の結び'].join('\n')
    const right = [...same, 'あちらの結び', '追記'].join('\n')
    const rows = sideBySide(left, right)
    expect(rows[0]).toEqual({ kind: 'skip', count: 8 })
    expect(rows.slice(-2)).toEqual([
      { kind: 'change', left: '今の結び', right: 'あちらの結び' },
      { kind: 'change', left: null, right: '追記' },
    ])
  })

  it('a hand merge starts with every line of both, none twice', () => {
    const merged = unionMerge('朝会\n障害の話\n終わり', '朝会\nリリースの話\n終わり\n追記')
    expect(merged).toBe('朝会\n障害の話\nリリースの話\n終わり\n追記')
  })
})

function syncState(over: Partial<SyncState>): SyncState {
  return {
    enabled: true, folder: '/home/me/Sync/tsuzuri', device: 'aaaa', host: 'laptop',
    lastSent: '2024-03-01T10:00:00Z', lastReceived: '0001-01-01T00:00:00Z', unsent: 0, conflicts: [],
    devices: [], skipped: [], problems: [], waiting: 0, watching: true, lastError: null,
    encrypted: false, passphraseChanged: false, ...over,
  }
}

const click = async (el: Element | null | undefined) => {
  expect(el, 'button').toBeTruthy()
  ;(el as HTMLElement).click()
  flushSync()
  await tick()
}
const type = (el: Element | null, text: string) => {
  expect(el, 'input').toBeTruthy()
  const input = el as HTMLInputElement
  input.value = text
  input.dispatchEvent(new Event('input', { bubbles: true }))
  flushSync()
}
const button = (text: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)

describe('SyncSettings', () => {
  it('turns sync on with the folder the dialog picked', async () => {
    let state = syncState({ enabled: false, folder: '' })
    const enabled: unknown[] = []
    setBackend({
      Sync: {
        Status: async () => state,
        ChooseFolder: async () => '/home/me/Sync/tsuzuri',
        FolderEncrypted: async () => false,
        Enable: async (dir: never, encrypt: never, passphrase: never) => {
          enabled.push([dir, encrypt, passphrase])
          state = syncState({})
          return state
        },
      },
    })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(document.body.textContent).toContain('同期はオフです'))
    await click(button('フォルダを選ぶ…'))
    // Not a cloud drive's folder: encryption is offered, not chosen.
    await vi.waitFor(() => expect(document.querySelector<HTMLInputElement>('[data-sync-setup] input[type="checkbox"]')?.checked).toBe(false))
    await click(button('同期を始める'))
    await vi.waitFor(() => expect(enabled).toEqual([['/home/me/Sync/tsuzuri', false, '']]))
    await vi.waitFor(() => expect(document.body.textContent).toContain('同期しています'))
    expect(document.querySelector('[data-sync-status]')?.textContent).toContain('最後の受信 まだなし')
    unmount(c)
  })

  it('a cancelled dialog leaves sync off', async () => {
    const Enable = vi.fn()
    setBackend({ Sync: { Status: async () => syncState({ enabled: false }), ChooseFolder: async () => '', Enable } })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(button('フォルダを選ぶ…')).toBeTruthy())
    await click(button('フォルダを選ぶ…'))
    await new Promise((r) => setTimeout(r, 20))
    expect(Enable).not.toHaveBeenCalled()
    unmount(c)
  })

  it('shows the other computers, renames one, counts conflicts and what was skipped', async () => {
    let alias = ''
    const renamed: unknown[] = []
    setBackend({
      Sync: {
        Status: async () => syncState({
          conflicts: ['e1', 'e2'],
          devices: [{ id: 'bbbb', host: 'desktop', alias, lastSeen: '2024-03-01T09:00:00Z', clockAheadMs: 0 }],
          skipped: [{ path: 'devices/bbbb/log/x.sync-conflict-1', kind: 'leftover', reason: 'a sync program’s conflict copy' }],
        }),
        RenameDevice: async (id: never, name: never) => {
          renamed.push([id, name])
          alias = name
        },
      },
    })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(document.querySelector('[data-device="bbbb"]')?.textContent).toContain('desktop'))
    expect(document.body.textContent).toContain('競合 2 件')
    expect(document.body.textContent).toContain('読み飛ばしたファイル 1 件')
    await click(button('名前を変える'))
    const input = document.querySelector<HTMLInputElement>('[data-device="bbbb"] input')!
    expect(input.getAttribute('aria-label')).toBe('desktop の呼び名')
    input.value = '家のデスクトップ'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    flushSync()
    input.form!.requestSubmit()
    await vi.waitFor(() => expect(renamed).toEqual([['bbbb', '家のデスクトップ']]))
    await vi.waitFor(() => expect(document.querySelector('[data-device="bbbb"] .name')?.textContent).toBe('家のデスクトップ'))
    unmount(c)
  })

  it('says why the last pass failed', async () => {
    setBackend({ Sync: { Status: async () => syncState({ lastError: { code: 'not_found', message: 'The sync folder is not there.' } }) } })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(document.querySelector('[role="alert"]')?.textContent).toContain('The sync folder is not there.'))
    unmount(c)
  })

  it('a cloud drive’s folder is encrypted by default, with the passphrase typed twice and a warning', async () => {
    const enabled: unknown[] = []
    setBackend({
      Sync: {
        Status: async () => syncState({ enabled: false, folder: '' }),
        ChooseFolder: async () => '/Users/me/Library/CloudStorage/Dropbox/tsuzuri',
        FolderEncrypted: async () => false,
        Enable: async (...args: never[]) => {
          enabled.push(args)
          return syncState({ encrypted: true })
        },
      },
    })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(button('フォルダを選ぶ…')).toBeTruthy())
    await click(button('フォルダを選ぶ…'))
    await vi.waitFor(() => expect(document.querySelector<HTMLInputElement>('[data-sync-setup] input[type="checkbox"]')?.checked).toBe(true))
    expect(document.querySelector('[role="note"]')?.textContent).toContain('誰にも')
    const start = button('同期を始める') as HTMLButtonElement
    expect(start.disabled).toBe(true)
    type(document.querySelector('[data-pass="new"]'), 'abc')
    expect(document.querySelector('[data-strength]')?.getAttribute('data-strength')).toBe('weak')
    type(document.querySelector('[data-pass="new"]'), '雨の日は図書館で本を読む')
    expect(document.querySelector('[data-strength]')?.getAttribute('data-strength')).toBe('strong')
    type(document.querySelector('[data-pass="again"]'), '雨の日は図書館で本を読')
    expect(document.body.textContent).toContain('二つの合言葉が一致しません')
    expect(start.disabled).toBe(true)
    type(document.querySelector('[data-pass="again"]'), '雨の日は図書館で本を読む')
    expect(start.disabled).toBe(false)
    await click(start)
    await vi.waitFor(() => expect(enabled).toEqual([['/Users/me/Library/CloudStorage/Dropbox/tsuzuri', true, '雨の日は図書館で本を読む']]))
    await vi.waitFor(() => expect(document.querySelector('[data-sync-encrypted]')?.textContent).toBe('暗号化しています'))
    unmount(c)
  })

  it('joining an encrypted folder asks its passphrase once; a wrong one says so and changes nothing', async () => {
    const tried: unknown[] = []
    setBackend({
      Sync: {
        Status: async () => syncState({ enabled: false, folder: '' }),
        ChooseFolder: async () => '/home/me/Sync/tsuzuri',
        FolderEncrypted: async () => true,
        Enable: async (...args: never[]) => {
          tried.push(args)
          if (args[2] !== '正しい') throw JSON.stringify({ code: 'passphrase', message: 'That passphrase does not open this sync folder.' })
          return syncState({ encrypted: true })
        },
      },
    })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(button('フォルダを選ぶ…')).toBeTruthy())
    await click(button('フォルダを選ぶ…'))
    await vi.waitFor(() => expect(document.body.textContent).toContain('このフォルダは暗号化されています'))
    expect(document.querySelector('[data-pass="again"]')).toBeNull()
    type(document.querySelector('[data-pass="join"]'), '違う')
    await click(button('参加する'))
    await vi.waitFor(() => expect(document.querySelector('[data-sync-setup] [role="alert"]')?.textContent).toBe('合言葉が違います。何も変更していません。'))
    type(document.querySelector('[data-pass="join"]'), '正しい')
    await click(button('参加する'))
    await vi.waitFor(() => expect(document.querySelector('[data-sync-encrypted]')).toBeTruthy())
    expect(tried).toEqual([['/home/me/Sync/tsuzuri', false, '違う'], ['/home/me/Sync/tsuzuri', false, '正しい']])
    unmount(c)
  })

  it('asks once for a passphrase changed on another computer, and changes it here', async () => {
    let state = syncState({ encrypted: true, passphraseChanged: true })
    const calls: unknown[] = []
    setBackend({
      Sync: {
        Status: async () => state,
        Unlock: async (p: never) => {
          calls.push(['unlock', p])
          state = syncState({ encrypted: true })
          return state
        },
        ChangePassphrase: async (cur: never, next: never) => {
          calls.push(['change', cur, next])
          return state
        },
      },
    })
    const c = mount(SyncSettings, { target: document.body })
    await vi.waitFor(() => expect(document.querySelector('[data-sync-unlock]')?.textContent).toContain('ほかのコンピューターで合言葉が変わりました'))
    type(document.querySelector('[data-pass="unlock"]'), '新しい言葉')
    await click(button('確かめる'))
    await vi.waitFor(() => expect(document.querySelector('[data-sync-unlock]')).toBeNull())
    await click(button('合言葉を変える…'))
    type(document.querySelector('[data-pass="current"]'), '新しい言葉')
    type(document.querySelector('[data-pass="new"]'), 'もっと新しい長い言葉です')
    type(document.querySelector('[data-pass="again"]'), 'もっと新しい長い言葉です')
    await click(button('変える'))
    await vi.waitFor(() => expect(calls).toEqual([['unlock', '新しい言葉'], ['change', '新しい言葉', 'もっと新しい長い言葉です']]))
    await vi.waitFor(() => expect(document.querySelector('[data-sync-change]')).toBeNull())
    unmount(c)
  })
})

describe('ConflictDialog', () => {
  const mine = entry({ body: '朝会\n障害の話\n終わり', updatedAt: '2024-03-01T10:00:00Z', conflicts: 1 })
  const theirs = entry({ title: '勉強会（家）', body: '朝会\nリリースの話\n終わり', tags: ['rust', 'home'], updatedAt: '2024-03-01T10:05:00Z' })

  function core() {
    const resolved: { ID: string; Title: string; Body: string; Tags: string[] }[] = []
    setBackend({
      Entries: { Get: async () => mine },
      Sync: {
        ConflictVersions: async () => [theirs],
        Resolve: async (e: never) => {
          resolved.push(e)
          return { ...mine, body: (e as { Body: string }).Body, conflicts: 0 }
        },
      },
    })
    ui.openId = 'e1'
    ui.dialog = 'conflict'
    ui.conflicts = ['e1']
    return resolved
  }

  it('shows the current text beside the other version, and picking one resolves', async () => {
    const resolved = core()
    const c = mount(ConflictDialog, { target: document.body })
    await vi.waitFor(() => expect(document.querySelectorAll('.line.changed').length).toBe(2))
    expect(document.querySelector('.line.changed[data-side="current"]')?.textContent).toBe('障害の話')
    expect(document.querySelector('.line.changed[data-side="other"]')?.textContent).toBe('リリースの話')
    // The title and tags differ too, and say so.
    expect(document.querySelector('.compare')?.textContent).toContain('勉強会（家）')
    await click(button('この版を使う'))
    await vi.waitFor(() => expect(resolved).toHaveLength(1))
    expect(resolved[0]).toMatchObject({ ID: 'e1', Title: '勉強会（家）', Body: theirs.body, Tags: ['rust', 'home'] })
    await vi.waitFor(() => expect(ui.dialog).toBe('none'))
    expect(ui.conflicts).toEqual([])
    unmount(c)
  })

  it('a hand merge starts from both texts and saves what was edited', async () => {
    const resolved = core()
    const c = mount(ConflictDialog, { target: document.body })
    await vi.waitFor(() => expect(button('手で合わせる…')).toBeTruthy())
    await click(button('手で合わせる…'))
    const area = document.querySelector<HTMLTextAreaElement>('textarea')!
    expect(area.value).toBe('朝会\n障害の話\nリリースの話\n終わり')
    area.value = '朝会\n障害とリリースの話\n終わり'
    area.dispatchEvent(new Event('input', { bubbles: true }))
    flushSync()
    await click(button('合わせた版を保存'))
    await vi.waitFor(() => expect(resolved).toHaveLength(1))
    expect(resolved[0]).toMatchObject({ Title: '勉強会', Body: '朝会\n障害とリリースの話\n終わり', Tags: ['rust', 'home'] })
    unmount(c)
  })
})

describe('Autosaver.discard', () => {
  it('drops typed text the person chose to replace with the other computer’s', async () => {
    const { Autosaver } = await import('./autosave')
    const saved: string[] = []
    const s = new Autosaver<string>(async (d) => void saved.push(d), () => {}, 10)
    s.change('mine')
    s.discard()
    await new Promise((r) => setTimeout(r, 30))
    await s.flush()
    expect(saved).toEqual([])
    expect(s.state).toBe('idle')
  })
})

describe('ConflictDialog with three computers', () => {
  it('lists each other version; arrow keys move between them', async () => {
    const mine = entry({ body: '朝会\n本文\n終わり', conflicts: 2 })
    setBackend({
      Entries: { Get: async () => mine },
      Sync: {
        ConflictVersions: async () => [
          entry({ body: '朝会\n家の本文\n終わり', updatedAt: '2024-03-02T10:00:00Z' }),
          entry({ body: '朝会\n職場の本文\n終わり', updatedAt: '2024-03-01T10:00:00Z' }),
        ],
      },
    })
    ui.openId = 'e1'
    ui.dialog = 'conflict'
    const c = mount(ConflictDialog, { target: document.body })
    await vi.waitFor(() => expect(document.querySelectorAll('[role="radio"]').length).toBe(2))
    const other = () => document.querySelector('.line.changed[data-side="other"]')?.textContent
    expect(other()).toBe('家の本文')
    const first = document.querySelector<HTMLButtonElement>('[role="radio"][aria-checked="true"]')!
    first.focus()
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
    await vi.waitFor(() => expect(other()).toBe('職場の本文'))
    expect(document.activeElement?.getAttribute('aria-checked')).toBe('true')
    expect(document.activeElement).not.toBe(first)
    unmount(c)
  })
})

describe('encryption hints', () => {
  it.each([
    ['/Users/me/Dropbox/tsuzuri', true],
    ['/Users/me/Dropbox (Personal)/日記', true],
    ['/Users/me/Library/Mobile Documents/com~apple~CloudDocs/tsuzuri', true],
    ['C:\\Users\\me\\iCloudDrive\\tsuzuri', true],
    ['C:\\Users\\me\\OneDrive - Example Corp\\tsuzuri', true],
    ['/Users/me/Library/CloudStorage/GoogleDrive-me@example.com/My Drive/tsuzuri', true],
    ['/home/me/Nextcloud/tsuzuri', true],
    ['/home/me/Sync/tsuzuri', false],
    ['/media/usb/tsuzuri', false],
    ['/home/me/dropbox-notes', false],
  ])('%s looks like a cloud drive: %s', (path, cloud) => {
    expect(looksLikeCloudDrive(path)).toBe(cloud)
  })

  it.each([
    ['', 'weak'],
    ['password', 'weak'],
    ['aaaaaaaaaaaaaaaaaaaa', 'weak'],
    ['あいうえおかき', 'weak'],
    ['あめのひのとしょかん', 'fair'],
    ['Kettle-42x', 'fair'],
    ['correct horse battery staple', 'strong'],
    ['夜の図書館で会いましょう', 'strong'],
  ])('%j is %s', (p, want) => {
    expect(passphraseStrength(p)).toBe(want)
  })
})
