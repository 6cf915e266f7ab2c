// What a new user met on a first tour of the app (issue 18), in the
// components themselves with a fake core.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, unmount, flushSync } from 'svelte'
import { setBackend } from './api'
import { ui, ask, questions, notify, toasts } from './state.svelte'
import CalendarHeatmap from '../components/CalendarHeatmap.svelte'

afterEach(() => {
  setBackend(null)
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('the calendar', () => {
  it('follows the last entry’s year when an entry’s date changes', async () => {
    let last = '2023-05-01'
    setBackend({
      Entries: {
        Stats: async () => ({ Entries: 1, Tags: 0, FirstDate: last, LastDate: last }),
        DayCounts: async () => [],
      },
    })
    const cal = mount(CalendarHeatmap, { target: document.body, props: { day: '' } })
    await vi.waitFor(() => expect(document.body.textContent).toContain('最後の日記は 2023 年'))
    last = '2021-02-03'
    ui.refresh++
    flushSync()
    await vi.waitFor(() => expect(document.body.textContent).toContain('最後の日記は 2021 年'))
    unmount(cal)
  })
})

describe('questions', () => {
  it('are asked in the app’s own dialog, answered once', async () => {
    const answer = ask('置き換えますか？', 'この時点に戻す')
    expect(questions.map((q) => q.message)).toEqual(['置き換えますか？'])
    questions[0]!.answer(true)
    await expect(answer).resolves.toBe(true)
    expect(questions).toEqual([])
  })
})

describe('toasts', () => {
  it('go away by themselves, those with a button too', () => {
    vi.useFakeTimers()
    notify('ブラウザを開けませんでした', 'error', { label: 'リンクをコピー', run: () => {} })
    notify('保存しました')
    expect(toasts.length).toBe(2)
    vi.advanceTimersByTime(10_000)
    expect(toasts.length).toBe(0)
  })
})

describe('the date picker', () => {
  it('shows the entry’s month and picks a day', async () => {
    const { default: DatePicker } = await import('../components/DatePicker.svelte')
    const picked: string[] = []
    const p = mount(DatePicker, { target: document.body, props: { value: '2025-11-28', onpick: (d: string) => picked.push(d) } })
    flushSync()
    expect(document.body.textContent).toContain('2025 年 11 月')
    expect(document.querySelector('[aria-pressed="true"]')?.textContent).toBe('28')
    ;(document.querySelector('[aria-label="前の月"]') as HTMLButtonElement).click()
    flushSync()
    ;(document.querySelector('[aria-label="2025-10-03"]') as HTMLButtonElement).click()
    expect(picked).toEqual(['2025-10-03'])
    unmount(p)
  })
})
