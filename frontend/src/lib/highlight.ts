const encoder = new TextEncoder()

/**
 * byteRangesToString converts UTF-8 byte ranges (what the Go core returns)
 * into UTF-16 string offsets (what the editor uses). Japanese characters
 * are three bytes in UTF-8 and one unit in UTF-16, so they differ.
 */
export function byteRangesToString(text: string, ranges: [number, number][]): [number, number][] {
  if (ranges.length === 0) return []
  const out: [number, number][] = []
  let byte = 0
  let unit = 0
  const offsets = new Map<number, number>()
  offsets.set(0, 0)
  for (const ch of text) {
    byte += encoder.encode(ch).length
    unit += ch.length
    offsets.set(byte, unit)
  }
  for (const [from, to] of ranges) {
    const a = offsets.get(from)
    const b = offsets.get(to)
    if (a !== undefined && b !== undefined && a < b) out.push([a, b])
  }
  return out
}

// Kana, kanji and the Japanese marks and full-width forms.
const japanese = /[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/gu
const latin = /[A-Za-z0-9\u00c0-\u024f]/gu

/**
 * countText counts what a writer cares about. Japanese has no spaces
 * between words, so for mainly Japanese text only characters count;
 * mainly Latin text counts words too.
 */
// A Japanese word is about two characters and an English one about six:
// a note with a third as many Japanese characters as Latin letters reads
// as Japanese with English terms in it.
export function countText(text: string): { chars: number; words: number; japanese: boolean } {
  const chars = [...text.replace(/\s/g, '')].length
  const words = (text.match(/[A-Za-z0-9][A-Za-z0-9'’_-]*/g) ?? []).length
  const ja = (text.match(japanese) ?? []).length
  const la = (text.match(latin) ?? []).length
  return { chars, words, japanese: ja > 0 && ja * 3 >= la }
}
