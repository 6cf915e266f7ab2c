import { describe, expect, it } from 'vitest'
import { addTags } from './tags'

describe('addTags', () => {
  it.each([
    [[], '旅行', ['旅行']],
    [[], '旅行, 京都', ['旅行', '京都']],
    [['旅行'], '#京都,旅行,,  ', ['旅行', '京都']],
    [['SRE'], 'sre, 障害', ['SRE', '障害']],
    [['a'], ' , ', ['a']],
  ])('%j + %j → %j', (tags, text, want) => {
    expect(addTags(tags, text)).toEqual(want)
  })
})
