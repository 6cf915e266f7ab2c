import { describe, expect, it, vi, afterEach } from 'vitest'
import { mount, unmount, flushSync, tick } from 'svelte'
import { setBackend, type Entry, type SyncPass } from './api'
import { ui, toasts } from './state.svelte'
import EntryEditor from '../components/EntryEditor.svelte'

// The open editor and another computer's change to its entry: taken when
// nothing is being typed, never over text not saved yet.

afterEach(() => {
  setBackend(null)
  ui.dialog = 'none'
  toasts.splice(0)
  document.body.innerHTML = ''
})

const entry = (over: Partial<Entry>): Entry => ({
  id: 'e1', title: '勉強会', body: '今日の本文', date: '2024-03-01', tags: [],
  createdAt: '2024-03-01T00:00:00Z', updatedAt: '2024-03-01T00:00:00Z', ...over,
})

function core(first: Entry) {
  let stored = first
  const saves: { Title: string }[] = []
  const listeners = new Map<string, ((d: unknown) => void)[]>()
  setBackend(
    {
      Entries: {
        Get: async () => stored,
        Save: async (e: never) => {
          saves.push(e)
          return stored
        },
        Tags: async () => [],
      },
      Render: { Markdown: async (md: never) => `<p>${md}</p>` },
      Finder: { Highlights: async () => [] },
      System: { ReadyToClose: async () => {} },
    },
    {
      EventsOn: (name, cb) => {
        listeners.set(name, [...(listeners.get(name) ?? []), cb])
        return () => listeners.set(name, (listeners.get(name) ?? []).filter((x) => x !== cb))
      },
    },
  )
  return {
    saves,
    // another computer's pass changed the entry to next
    remote(next: Entry) {
      stored = next
      const pass: SyncPass = { sent: 0, received: 1, changed: [next.id], more: false, conflicts: next.conflicts ? [next.id] : [], error: null }
      for (const cb of listeners.get('sync:changed') ?? []) cb(pass)
    },
  }
}

const titleInput = () => document.querySelector<HTMLInputElement>('.title-input')!

async function opened() {
  const c = mount(EntryEditor, { target: document.body, props: { id: 'e1', terms: [] } })
  await vi.waitFor(() => expect(titleInput().value).toBe('勉強会'))
  await vi.waitFor(() => expect(document.querySelector('.cm-content')).toBeTruthy())
  return c
}


describe('the open editor and another computer', () => {
  it('takes the other computer’s text when nothing is being typed, with its conflict badge', async () => {
    const c = core(entry({}))
    const editor = await opened()
    c.remote(entry({ title: '勉強会（家で直した）', body: 'あちらの本文', conflicts: 1 }))
    await vi.waitFor(() => expect(titleInput().value).toBe('勉強会（家で直した）'))
    await vi.waitFor(() => expect(document.querySelector('.cm-content')?.textContent).toBe('あちらの本文'))
    expect(document.querySelector('button.conflict-badge')?.textContent).toBe('競合')
    expect(document.querySelector('.remote-notice')).toBeNull()
    // Taking it is not a save of this computer's.
    await new Promise((r) => setTimeout(r, 900))
    expect(c.saves).toEqual([])
    unmount(editor)
  })

  it('keeps unsaved typing and says the entry changed; “load theirs” drops it', async () => {
    const c = core(entry({}))
    const editor = await opened()
    titleInput().value = '勉強会メモ（まだ保存していない）'
    titleInput().dispatchEvent(new InputEvent('input', { bubbles: true }))
    flushSync()
    c.remote(entry({ title: 'あちらの題', body: 'あちらの本文' }))
    await vi.waitFor(() => expect(document.querySelector('.remote-notice')?.textContent).toContain('別のコンピューターで書き換えられました'))
    expect(titleInput().value).toBe('勉強会メモ（まだ保存していない）')
    expect(document.querySelector('.cm-content')?.textContent).toBe('今日の本文')
    const load = [...document.querySelectorAll('button')].find((b) => b.textContent === 'あちらの本文を読み込む')!
    load.click()
    await tick()
    await vi.waitFor(() => expect(titleInput().value).toBe('あちらの題'))
    await new Promise((r) => setTimeout(r, 900))
    expect(c.saves).toEqual([]) // the dropped typing was never saved over theirs
    unmount(editor)
  })

  it('“keep mine” saves the typing as usual', async () => {
    const c = core(entry({}))
    const editor = await opened()
    titleInput().value = '自分の題'
    titleInput().dispatchEvent(new InputEvent('input', { bubbles: true }))
    flushSync()
    c.remote(entry({ body: 'あちらの本文' }))
    await vi.waitFor(() => expect(document.querySelector('.remote-notice')).toBeTruthy())
    ;[...document.querySelectorAll('button')].find((b) => b.textContent === '自分の入力を残す')!.click()
    await vi.waitFor(() => expect(c.saves.map((s) => s.Title)).toEqual(['自分の題']))
    expect(document.querySelector('.remote-notice')).toBeNull()
    unmount(editor)
  })
})
