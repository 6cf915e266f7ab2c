import { describe, expect, it } from 'vitest'
import { markFirstPage, shownMarks } from './startup'

describe('start-up marks', () => {
  it('keep the first timeline page, and come in the order things happened', async () => {
    markFirstPage()
    const first = (await shownMarks()).firstPage!
    await new Promise((r) => setTimeout(r, 20))
    markFirstPage() // a later page, after a scroll
    const m = await shownMarks()
    expect(m.firstPage).toBe(first)
    expect(m.page).toBeLessThanOrEqual(m.script)
    expect(m.script).toBeLessThanOrEqual(m.firstPage!)
    expect(m.firstPage!).toBeLessThanOrEqual(m.shown!)
  })

  it('are reported within a second even if the fonts never load', async () => {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { ready: new Promise(() => {}) } })
    const start = Date.now()
    const m = await shownMarks().finally(() => delete (document as { fonts?: unknown }).fonts)
    expect(Date.now() - start).toBeLessThan(1500)
    expect(m.fonts).toBeUndefined()
    expect(m.shown).toBeGreaterThan(0)
  })
})
