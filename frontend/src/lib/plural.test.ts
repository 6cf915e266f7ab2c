import { describe, expect, it } from 'vitest'
import { tables, translate, type MessageKey } from './i18n'

describe('counts in English', () => {
  it('say "1 result", "2 results"', () => {
    expect(translate('en', 'results', { n: 1 })).toBe('1 result')
    expect(translate('en', 'results', { n: 2 })).toBe('2 results')
    expect(translate('en', 'results', { n: 0 })).toBe('0 results')
    expect(translate('en', 'chars', { n: '1,001' })).toBe('1,001 characters')
    expect(translate('ja', 'results', { n: 1 })).toBe('1 件')
  })

  it('never put a plural noun after one', () => {
    for (const key of Object.keys(tables.en) as MessageKey[]) {
      if (!tables.en[key].includes('{n')) continue
      const text = translate('en', key, { n: 1, date: 'Jul 3', path: '/tmp/x', detail: 'x' })
      expect(text, key).not.toMatch(/\b1 (\w+ )?(results|entries|characters|words|images|lines|backups)\b/)
    }
  })
})
