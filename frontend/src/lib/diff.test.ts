import { describe, expect, it } from 'vitest'
import { foldUnchanged, lineDiff, type DiffLine } from './diff'

const show = (lines: DiffLine[]) => lines.map((l) => ({ same: ' ', add: '+', del: '-' })[l.kind] + l.text)

describe('lineDiff', () => {
  it.each([
    ['same text', 'a\nb', 'a\nb', [' a', ' b']],
    ['from nothing', '', 'a\nb', ['+a', '+b']],
    ['to nothing', 'a', '', ['-a']],
    ['a line changed in the middle', '朝会\n障害の話\n終わり', '朝会\nリリースの話\n終わり', [' 朝会', '-障害の話', '+リリースの話', ' 終わり']],
    ['a line added and one removed', 'a\nb\nc\nd', 'a\nc\nd\ne', [' a', '-b', ' c', ' d', '+e']],
    ['moved line', 'x\ny\nz', 'y\nz\nx', ['-x', ' y', ' z', '+x']],
    ['Windows line ends are lines', 'a\r\nb', 'a\nb', [' a', ' b']],
  ])('%s', (_, a, b, want) => {
    expect(show(lineDiff(a, b))).toEqual(want)
  })

  it('keeps every line of both texts, in order', () => {
    const a = Array.from({ length: 300 }, (_, i) => `line ${i % 17}`).join('\n')
    const b = Array.from({ length: 280 }, (_, i) => `line ${(i * 7) % 19}`).join('\n')
    const d = lineDiff(a, b)
    expect(d.filter((l) => l.kind !== 'add').map((l) => l.text).join('\n')).toBe(a)
    expect(d.filter((l) => l.kind !== 'del').map((l) => l.text).join('\n')).toBe(b)
  })

  it('gives up on alignment, not on correctness, for huge texts', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n')
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n')
    const d = lineDiff(a, b)
    expect(d.filter((l) => l.kind === 'del')).toHaveLength(3000)
    expect(d.filter((l) => l.kind === 'add')).toHaveLength(3000)
  })
})

describe('foldUnchanged', () => {
  it('keeps two lines of context around a change and folds the rest', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')
    const b = a.replace('l10', 'L10')
    const rows = foldUnchanged(lineDiff(a, b))
    expect(rows[0]).toEqual({ kind: 'skip', count: 8 })
    expect(rows.slice(1, 7).map((r) => ('text' in r ? r.text : ''))).toEqual(['l8', 'l9', 'l10', 'L10', 'l11', 'l12'])
    expect(rows[7]).toEqual({ kind: 'skip', count: 7 })
  })

  it('folds everything when nothing changed', () => {
    expect(foldUnchanged(lineDiff('a\nb', 'a\nb'))).toEqual([{ kind: 'skip', count: 2 }])
  })
})
