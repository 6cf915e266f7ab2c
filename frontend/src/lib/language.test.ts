import { describe, expect, it, vi, afterEach } from 'vitest'
import { mount, unmount, flushSync, tick } from 'svelte'
import { setBackend } from './api'
import { applyLanguage, ui } from './state.svelte'
import SettingsPanel from '../components/SettingsPanel.svelte'

// WebKitGTK reports navigator.language as en-US whatever LANG says; the
// core's System.Locale is what the system really is.
const english = vi.spyOn(navigator, 'language', 'get')

afterEach(() => {
  setBackend(null)
  ui.lang = 'ja'
  ui.systemLocale = ''
  document.body.innerHTML = ''
})

function core(settings: Record<string, unknown>) {
  const langs: string[] = []
  const saved: unknown[] = []
  setBackend({
    Settings: {
      Get: async () => ({ ...settings }),
      Save: async (s: never) => void saved.push(s),
    },
    System: { SetLanguage: async (l: never) => void langs.push(l) },
  })
  return { langs, saved }
}

describe('UI language', () => {
  it('follows the core’s locale, not navigator.language, when set to automatic', () => {
    english.mockReturnValue('en-US')
    const { langs } = core({})
    ui.systemLocale = 'ja-JP'
    applyLanguage('')
    expect(ui.lang).toBe('ja')
    applyLanguage('en')
    expect(ui.lang).toBe('en')
    expect(langs).toEqual(['ja', 'en'])
  })

  it('stays Japanese when the theme changes in settings', async () => {
    english.mockReturnValue('en-US')
    const { saved, langs } = core({ Theme: 'system', Language: '', EditorFontSize: 15, DataDir: '/d' })
    ui.systemLocale = 'ja-JP'
    applyLanguage('')
    const themes: string[] = []
    const panel = mount(SettingsPanel, { target: document.body, props: { onthemechange: (t: string) => themes.push(t) } })
    await vi.waitFor(() => expect(document.querySelectorAll('select').length).toBe(2))
    const [theme, language] = [...document.querySelectorAll('select')] as HTMLSelectElement[]
    const choose = async (select: HTMLSelectElement, value: string) => {
      select.selectedIndex = [...select.options].findIndex((o) => o.value === value)
      // happy-dom's selector engine has no :checked for options, which
      // Svelte's bind:value reads.
      const query = select.querySelector.bind(select)
      select.querySelector = ((q: string) => (q === ':checked' ? select.selectedOptions[0] ?? null : query(q))) as typeof select.querySelector
      select.dispatchEvent(new Event('change', { bubbles: true }))
      flushSync()
      await tick()
      await vi.waitFor(() => expect(saved.length).toBeGreaterThan(0))
    }
    await choose(theme!, 'dark')
    await vi.waitFor(() => expect(themes).toEqual(['dark']))
    expect(ui.lang).toBe('ja')
    expect(document.body.textContent).toContain('テーマ')
    // Choosing 自動 again is covered end to end (frontend/e2e/japanese.spec.mjs):
    // happy-dom's select does not report an empty value back to bind:value.
    await choose(language!, 'en')
    await vi.waitFor(() => expect(ui.lang).toBe('en'))
    expect(document.body.textContent).toContain('Language')
    expect(langs).toEqual(['ja', 'ja', 'en']) // the native menu follows each save
    unmount(panel)
  })
})
