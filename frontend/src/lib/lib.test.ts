import { describe, expect, it, vi, afterEach } from 'vitest'
import { ApiError, api, askTimelineEarly, setBackend, takeEarlyTimeline, toApiError } from './api'
import { tables, translate, pickLang } from './i18n'
import { isComposing } from './ime'
import { debounce, latest } from './latest'
import { byteRangesToString, countText } from './highlight'
import { visibleRange } from './virtual'
import { Autosaver, type SaveState } from './autosave'

afterEach(() => {
  setBackend(null)
  vi.useRealTimers()
})

describe('api', () => {
  it('asks for the first timeline page as the window starts, and hands it over once', async () => {
    const page = { Entries: [{ ID: 'a' }], Next: '' }
    const List = vi.fn().mockResolvedValue(page)
    setBackend({ Entries: { List } })
    askTimelineEarly()
    expect(List).toHaveBeenCalledOnce()
    expect(List.mock.calls[0]?.[0]).toMatchObject({ Limit: 200, Cursor: '' })
    await expect(takeEarlyTimeline()).resolves.toEqual(page)
    expect(takeEarlyTimeline()).toBeNull()
  })

  it('leaves a failed early page for the timeline to report', async () => {
    setBackend({ Entries: { List: vi.fn().mockRejectedValue('{"code":"locked","message":"開けません"}') } })
    askTimelineEarly()
    await expect(takeEarlyTimeline()).rejects.toMatchObject({ code: 'locked' })
  })

  it('reads the JSON error the core rejects with', () => {
    const err = toApiError(new Error('{"code":"not_found","message":"There is no entry with id \\"x\\"."}'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('not_found')
    expect(err.message).toBe('There is no entry with id "x".')
  })

  it('turns anything else into an internal error with its text', () => {
    expect(toApiError('socket closed')).toMatchObject({ code: 'internal', message: 'socket closed' })
    expect(toApiError(undefined)).toMatchObject({ code: 'internal', message: 'Something went wrong.' })
  })

  it('calls the bound struct and rejects with ApiError', async () => {
    const Get = vi.fn().mockRejectedValue('{"code":"locked","message":"別の綴りが開いています"}')
    setBackend({ Entries: { Get } })
    await expect(api.entries.get('a')).rejects.toMatchObject({ code: 'locked', message: '別の綴りが開いています' })
    expect(Get).toHaveBeenCalledWith('a')
  })

  it('says so when the core is not there', async () => {
    setBackend({})
    await expect(api.entries.stats()).rejects.toMatchObject({ code: 'internal' })
  })
})

describe('i18n', () => {
  it('has every message in both languages, none empty', () => {
    const ja = Object.keys(tables.ja).sort()
    const en = Object.keys(tables.en).sort()
    expect(en).toEqual(ja)
    for (const lang of ['ja', 'en'] as const) {
      for (const [key, text] of Object.entries(tables[lang])) expect(text.trim(), `${lang}.${key}`).not.toBe('')
    }
  })

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join()
    for (const key of Object.keys(tables.ja) as (keyof typeof tables.ja)[]) expect(names(tables.en[key]), key).toBe(names(tables.ja[key]))
  })

  it('fills placeholders and picks the language from the system', () => {
    expect(translate('ja', 'results', { n: 3 })).toBe('3 件')
    expect(pickLang('', 'ja-JP')).toBe('ja')
    expect(pickLang('', 'en-US')).toBe('en')
    expect(pickLang('en', 'ja-JP')).toBe('en')
  })
})

describe('IME guard', () => {
  it('recognises keys that belong to a composition', () => {
    expect(isComposing(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true }))).toBe(true)
    expect(isComposing(new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229 } as KeyboardEventInit))).toBe(true)
    expect(isComposing(new KeyboardEvent('keydown', { key: 'Enter' }))).toBe(false)
  })
})

describe('search as you type', () => {
  it('drops the answer to an older query that arrives late', async () => {
    let release: (v: string) => void = () => {}
    const slow = new Promise<string>((r) => (release = r))
    const fn = vi.fn((q: string) => (q === 'サ' ? slow : Promise.resolve(`results for ${q}`)))
    const search = latest(fn)
    const first = search('サ')
    const second = search('サーバ')
    release('results for サ')
    expect(await second).toBe('results for サーバ')
    expect(await first).toBeUndefined()
  })

  it('debounces keystrokes into one call', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    const d = debounce(fn, 120)
    d('s')
    d('se')
    d('sea')
    vi.advanceTimersByTime(119)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fn).toHaveBeenCalledOnce()
    expect(fn).toHaveBeenCalledWith('sea')
  })
})

describe('highlights', () => {
  it('converts UTF-8 byte ranges to string offsets on Japanese text', () => {
    const text = 'AWSのサーバー🍣とサーバ'
    const enc = new TextEncoder()
    const at = (s: string) => enc.encode(text.slice(0, text.indexOf(s))).length
    const ranges: [number, number][] = [
      [at('サーバー'), at('サーバー') + enc.encode('サーバー').length],
      [at('とサーバ') + 3, at('とサーバ') + 3 + enc.encode('サーバ').length],
    ]
    expect(byteRangesToString(text, ranges).map(([a, b]) => text.slice(a, b))).toEqual(['サーバー', 'サーバ'])
  })

  it('counts characters, and words only for mainly Latin text', () => {
    expect(countText('Notes on the AWS Security Hub rollout, 障害 too')).toMatchObject({ chars: 37, words: 8, japanese: false })
    expect(countText('Kubernetes のクラスタを移行した。AWS Security Hub の警告も見た。')).toMatchObject({ japanese: true })
    expect(countText('本番サーバーを移した')).toEqual({ chars: 10, words: 0, japanese: true })
    expect(countText('')).toMatchObject({ chars: 0, japanese: false })
  })
})

describe('virtual list', () => {
  it('puts only the visible rows of 100k in the DOM', () => {
    const r = visibleRange(64 * 50_000, 640, 64, 100_000)
    expect(r.end - r.start).toBeLessThan(30)
    expect(r.start).toBeLessThanOrEqual(50_000)
    expect(r.end).toBeGreaterThan(50_010)
    expect(visibleRange(0, 640, 64, 3)).toEqual({ start: 0, end: 3 })
  })
})

describe('autosave', () => {
  it('saves once after typing stops, and flushes at once when asked', async () => {
    vi.useFakeTimers()
    const saved: string[] = []
    const states: SaveState[] = []
    const a = new Autosaver<string>(async (d) => void saved.push(d), (s) => states.push(s), 800)
    a.change('き')
    a.change('きょう')
    await vi.advanceTimersByTimeAsync(799)
    expect(saved).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(saved).toEqual(['きょう'])
    a.change('今日は')
    await a.flush()
    expect(saved).toEqual(['きょう', '今日は'])
    expect(states.at(-1)).toBe('saved')
  })

  it('keeps the draft when a save fails, and saves it on the next flush', async () => {
    let fail = true
    const saved: string[] = []
    const a = new Autosaver<string>(
      async (d) => {
        if (fail) throw new Error('disk full')
        saved.push(d)
      },
      () => {},
    )
    a.change('大事なメモ')
    await a.flush()
    expect(a.state).toBe('error')
    fail = false
    await a.flush()
    expect(saved).toEqual(['大事なメモ'])
  })
})
