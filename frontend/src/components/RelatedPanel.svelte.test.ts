import { describe, expect, it, afterEach } from 'vitest'
import { mount, unmount, flushSync } from 'svelte'
import { ApiError, setBackend, type RelatedEntry, type RelatedRequest } from '../lib/api'
import { ui } from '../lib/state.svelte'
import RelatedPanel from './RelatedPanel.svelte'

// The panel follows the editor's text: the props are state here, as they
// are in the editor, so a change reaches it the way typing does.
const DELAY = 30
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

afterEach(() => {
  setBackend(null)
  ui.lang = 'ja'
  document.body.innerHTML = ''
})

function entry(id: string, title: string, shared: string[]): RelatedEntry {
  return { ID: id, Title: title, Date: '2025-01-10', Shared: shared, Score: 1 }
}

function core(answer: (r: RelatedRequest) => Promise<RelatedEntry[]>) {
  const asked: RelatedRequest[] = []
  setBackend({
    Finder: {
      Related: (async (r: RelatedRequest) => {
        asked.push(r)
        return answer(r)
      }) as never,
    },
  })
  return asked
}

function panel(initial: { id: string; title: string; body: string }) {
  const props = $state({ ...initial, delay: DELAY })
  const c = mount(RelatedPanel, { target: document.body, props })
  flushSync()
  return { props, destroy: () => unmount(c) }
}

describe('RelatedPanel', () => {
  it('asks once typing pauses, with the text as it stands, and marks the shared words', async () => {
    const asked = core(async () => [entry('b', '決済の遅延', ['決済', 'コネクションプール'])])
    const p = panel({ id: 'a', title: '決済', body: '' })
    for (const text of ['コ', 'コネ', 'コネクション', 'コネクションプール']) {
      p.props.body = text
      flushSync()
      await sleep(DELAY / 3)
    }
    expect(asked).toEqual([]) // still typing
    await sleep(DELAY * 3)
    expect(asked).toEqual([{ ID: 'a', Title: '決済', Body: 'コネクションプール', Limit: 5 }])
    const marks = [...document.querySelectorAll('.related mark')].map((m) => m.textContent)
    expect(marks).toEqual(['決済', 'コネクションプール'])
    expect(document.querySelector('.related .title')?.textContent).toBe('決済の遅延')
    p.destroy()
  })

  it('never shows an older answer over a newer one', async () => {
    const answers = new Map<string, () => void>()
    core((r) => new Promise((resolve) => answers.set(r.Body, () => resolve([entry(r.Body, `answer to ${r.Body}`, ['語'])]))))
    const p = panel({ id: '', title: '', body: '古い文' })
    await sleep(DELAY * 3)
    p.props.body = '新しい文'
    flushSync()
    await sleep(DELAY * 3)
    answers.get('新しい文')!()
    await sleep(5)
    answers.get('古い文')!() // the slow, older answer comes last
    await sleep(5)
    expect([...document.querySelectorAll('.related .title')].map((e) => e.textContent)).toEqual(['answer to 新しい文'])
    p.destroy()
  })

  it('opens an entry when it is clicked', async () => {
    core(async () => [entry('other-id', '登山の装備', ['高尾山'])])
    const p = panel({ id: 'this-id', title: '高尾山', body: '紅葉' })
    await sleep(DELAY * 3)
    const before = ui.editorKey
    document.querySelector<HTMLButtonElement>('.related .item')!.click()
    expect(ui.openId).toBe('other-id')
    expect(ui.editorKey).toBe(before + 1)
    p.destroy()
  })

  it('says when nothing is like the text, in the UI language, and hides a superseded question', async () => {
    let fail = true
    core(async () => {
      if (fail) throw new ApiError('cancelled', 'cancelled')
      return []
    })
    ui.lang = 'en'
    const p = panel({ id: '', title: '', body: 'a' })
    await sleep(DELAY * 3)
    expect(document.body.textContent).not.toContain('Could not look')
    fail = false
    p.props.body = 'ab'
    flushSync()
    await sleep(DELAY * 3)
    expect(document.body.textContent).toContain('Related entries')
    expect(document.body.textContent).toContain('No similar entries yet')
    p.destroy()
  })
})
