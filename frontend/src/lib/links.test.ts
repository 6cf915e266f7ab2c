import { afterEach, describe, expect, it, vi } from 'vitest'
import { setBackend } from './api'
import { openableLink } from './links'
import { openLink, toasts, ui } from './state.svelte'

afterEach(() => {
  setBackend(null)
  toasts.splice(0)
})

describe('openableLink', () => {
  it('lets web and mail links through, as the browser reads them', () => {
    expect(openableLink('https://example.com/slides')).toBe('https://example.com/slides')
    expect(openableLink('HTTPS://Example.com/a')).toBe('https://example.com/a')
    expect(openableLink('http://192.0.2.1:8080/x?y#z')).toBe('http://192.0.2.1:8080/x?y#z')
    expect(openableLink('mailto:team@example.com')).toBe('mailto:team@example.com')
  })

  it('stops script, data, file and disguised links', () => {
    for (const href of [
      'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)',
      ' javascript:alert(1)', '\x01javascript:alert(1)', 'vbscript:msgbox(1)', 'VBScript:x',
      'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'FILE:///C:/x', 'fi\tle:///etc/passwd',
      '/attachments/a.png', '#見出し', '//evil.example/x', 'wails://app', 'about:blank', '', null,
    ]) {
      expect(openableLink(href), String(href)).toBeNull()
    }
  })
})

describe('openLink', () => {
  it('offers to copy the link when the browser does not open', async () => {
    ui.lang = 'ja'
    const OpenURL = vi.fn().mockRejectedValue('{"code":"conflict","message":"The browser could not be opened (exec: xdg-open not found)."}')
    setBackend({ System: { OpenURL } })
    await openLink('https://example.com/a')
    expect(OpenURL).toHaveBeenCalledWith('https://example.com/a')
    expect(toasts.at(-1)?.text).toBe('ブラウザを開けませんでした。リンクをコピーしてブラウザに貼り付けてください。')
    expect(toasts.at(-1)?.action?.label).toBe('リンクをコピー')
  })

  it('never asks the core to open a script link', async () => {
    ui.lang = 'en'
    const OpenURL = vi.fn()
    setBackend({ System: { OpenURL } })
    await openLink('java\tscript:alert(1)')
    expect(OpenURL).not.toHaveBeenCalled()
    expect(toasts.at(-1)?.text).toMatch(/only http, https and mailto/)
  })
})
