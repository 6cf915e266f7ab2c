import { describe, expect, it } from 'vitest'
import { englishLocale, formatDate, formatDateTime, formatShortDate, parseDate, weekday } from './dates'
import { doubledMarker } from './markdown-lists'

describe('dates', () => {
  it('shows Japanese dates with the weekday, English ones in the locale’s style', () => {
    expect(formatDate('2024-07-03', 'ja')).toBe('2024/07/03（水）')
    expect(formatDate('2024-07-03', 'en', 'en-US')).toBe('Wed, Jul 3, 2024')
    expect(formatDate('2024-07-03', 'en', 'en-GB')).toMatch(/^Wed,? 3 Jul 2024$/)
    // Formats are kept once made: each locale still gets its own.
    expect(formatDate('2024-07-04', 'en', 'en-US')).toBe('Thu, Jul 4, 2024')
    expect(formatShortDate('2024-07-03', 'ja')).toBe('7/3（水）')
    expect(formatShortDate('2024-07-03', 'en')).toBe('Jul 3')
    expect(weekday('2024-07-07', 'ja')).toBe('日曜日')
    expect(weekday('2024-07-07', 'en')).toBe('Sunday')
    expect(formatDate('not a date', 'ja')).toBe('not a date')
  })

  it('shows a moment in the same style as a day, one style per language', () => {
    const moment = new Date(2026, 11, 4, 9, 5)
    expect(formatDateTime(moment, 'ja')).toBe('2026/12/04（金） 09:05')
    const en = formatDateTime(moment, 'en', 'en-US')
    expect(en.startsWith(formatDate('2026-12-04', 'en', 'en-US')), en).toBe(true)
    expect(en).toMatch(/9:05/)
  })

  it('takes English dates in the system’s English locale only', () => {
    expect(englishLocale('en_GB.UTF-8')).toBe('en-GB')
    expect(englishLocale('ja-JP')).toBe('en-US')
    expect(englishLocale('')).toBe('en-US')
  })

  it('reads dates typed the usual ways', () => {
    for (const typed of ['2024-07-03', '2024/7/3', '2024.7.3', '2024/07/03（水）', '２０２４／７／３', '2024年7月3日', ' 2024-7-03 ']) {
      expect(parseDate(typed), typed).toBe('2024-07-03')
    }
  })

  it('reads the dates an input method types (mozc with the IME on)', () => {
    for (const typed of ['２０２５・１１・２８', '２０２５－１１－２８', '２０２５／１１／２８', '2025年11月28日', '２０２５年１１月２８日',
      '２０２５ー１１ー２８', '2025ー11ー28', '２０２５．１１．２８', '2025−11−28', '２０２５/１１/２８（金）']) {
      expect(parseDate(typed), typed).toBe('2025-11-28')
    }
    expect(parseDate('２０２５・１１・３１')).toBeNull()
  })

  it('refuses what is not a real day', () => {
    for (const typed of ['', '2024-02-30', '2024/13/1', '7/3', 'yesterday', '2024-07-03T10:00', '20240703']) {
      expect(parseDate(typed), typed).toBeNull()
    }
    expect(parseDate('2024-02-29')).toBe('2024-02-29')
  })
})

describe('list markers', () => {
  it('treats a marker typed after a continued one as the same bullet', () => {
    expect(doubledMarker('- - ')).toBe('- ')
    expect(doubledMarker('  * * ')).toBe('  * ')
    expect(doubledMarker('2. 2. ')).toBe('2. ')
    expect(doubledMarker('3. 1. ')).toBe('3. ')
  })

  it('leaves anything else alone', () => {
    for (const line of ['- ', '- a ', '- * ', 'a - - ', '-- ', '- -']) expect(doubledMarker(line), line).toBeNull()
  })
})
