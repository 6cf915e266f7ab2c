// Diary dates are ISO strings (YYYY-MM-DD) in the core. People read them
// as 2024/07/03（水） in Japanese and in their locale's style in English,
// and type them in any of the usual ways.

import type { Lang } from './i18n'

const jaWeekdays = ['日', '月', '火', '水', '木', '金', '土']

function utc(iso: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return null
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === iso ? d : null
}

// Making an Intl.DateTimeFormat costs far more than formatting with one
// (the calendar labels 365 days as the window opens: in English that was a
// third of a second), so each is made once per locale and style.
type DateStyle = 'date' | 'dateTime' | 'short' | 'weekday'

const formatOptions: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' },
  dateTime: { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  short: { month: 'short', day: 'numeric', timeZone: 'UTC' },
  weekday: { weekday: 'long', timeZone: 'UTC' },
}
const formats = new Map<string, Intl.DateTimeFormat>()

function dateFormat(style: DateStyle, locale: string): Intl.DateTimeFormat {
  const key = `${style} ${locale}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, formatOptions[style])
    formats.set(key, format)
  }
  return format
}

/** englishLocale is the locale English dates follow: the system's if English, else en-US. */
export function englishLocale(systemLocale: string): string {
  return /^en\b/i.test(systemLocale.replace('_', '-')) ? systemLocale.replace('_', '-').split('.')[0]! : 'en-US'
}

/** formatDate shows an ISO date: 2024/07/03（水）, or Wed, Jul 3, 2024 (in the locale's order). */
export function formatDate(iso: string, lang: Lang, locale = 'en-US'): string {
  const d = utc(iso)
  if (!d) return iso
  if (lang === 'ja') return `${iso.replaceAll('-', '/')}（${jaWeekdays[d.getUTCDay()]}）`
  return dateFormat('date', locale).format(d)
}

/**
 * formatDateTime shows a moment (a saved version, a backup) in local time
 * in the same style as formatDate: 2026/12/04（金） 09:05, or
 * Fri, Dec 4, 2026, 9:05 AM in the locale's order.
 */
export function formatDateTime(moment: string | number | Date, lang: Lang, locale = 'en-US'): string {
  const d = new Date(moment)
  if (Number.isNaN(d.getTime())) return String(moment)
  const pad = (n: number) => String(n).padStart(2, '0')
  if (lang === 'ja') {
    return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}（${jaWeekdays[d.getDay()]}） ${pad(d.getHours())}:${pad(d.getMinutes())}`
  }
  return dateFormat('dateTime', locale).format(d)
}

/** formatShortDate is a date within a list grouped by month: 7/3（水） or Jul 3. */
export function formatShortDate(iso: string, lang: Lang, locale = 'en-US'): string {
  const d = utc(iso)
  if (!d) return iso
  if (lang === 'ja') return `${d.getUTCMonth() + 1}/${d.getUTCDate()}（${jaWeekdays[d.getUTCDay()]}）`
  return dateFormat('short', locale).format(d)
}

/** weekday names the day of the week of an ISO date in lang. */
export function weekday(iso: string, lang: Lang, locale = 'en-US'): string {
  const d = utc(iso)
  if (!d) return ''
  if (lang === 'ja') return jaWeekdays[d.getUTCDay()]! + '曜日'
  return dateFormat('weekday', locale).format(d)
}

// What an input method makes of the separator keys: mozc turns / into ・
// or ／ and - into － or ー; NFKC folds the full-width forms but leaves
// the middle dot, the long-vowel mark and the dashes as they are.
const separator = '[-/.\\s\u30fb\u30fc\u2010-\u2015\u2212\uff70年月]'
const typedDate = new RegExp(`^(\\d{4})\\s*${separator}\\s*(\\d{1,2})\\s*${separator}\\s*(\\d{1,2})$`)

/**
 * parseDate reads a typed date — 2024-07-03, 2024/7/3, 2024.7.3,
 * 2024年7月3日, full-width digits and the separators an input method
 * types (２０２４・７・３, ２０２４ー７ー３), or a date as formatDate shows
 * it (2024/07/03（水）) — and returns it as YYYY-MM-DD, or null when it is
 * not a real day.
 */
export function parseDate(input: string): string | null {
  const text = input
    .normalize('NFKC')
    .trim()
    .replace(/\s*\(.*\)\s*$/, '') // a weekday in brackets, as shown
    .replace(/日$/, '')
  const m = typedDate.exec(text)
  if (!m) return null
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
  return utc(iso) ? iso : null
}
