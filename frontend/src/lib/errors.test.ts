import { describe, expect, it, afterEach } from 'vitest'
import { tables } from './i18n'
import { errorText, ui } from './state.svelte'

afterEach(() => {
  ui.lang = 'ja'
})

describe('error messages', () => {
  it('words generic failures in the UI language', () => {
    for (const lang of ['ja', 'en'] as const) {
      ui.lang = lang
      expect(errorText({ code: 'internal', message: 'Something went wrong (save). Details are in the log.' })).toBe(tables[lang].errorInternal)
      expect(errorText({ code: 'cancelled', message: 'Cancelled.' })).toBe(tables[lang].errorCancelled)
      expect(errorText({ code: 'disk_full', message: 'The disk holding the data folder is full.' })).toBe(tables[lang].errorDiskFull)
      expect(errorText({ code: 'read_only', message: 'x' })).toBe(tables[lang].errorReadOnly)
    }
  })

  it('keeps the core’s words where they name what was wrong', () => {
    const message = 'the date "2024-99-99" is neither YYYY-MM-DD nor an RFC 3339 timestamp'
    expect(errorText({ code: 'invalid', message })).toBe(message)
    expect(errorText({ code: 'conflict', message: '' })).toBe(tables.ja.errorGeneric)
  })
})
