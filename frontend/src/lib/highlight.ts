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

/** countText counts what a writer cares about: characters, and words of Latin text. */
export function countText(text: string): { chars: number; words: number } {
  const chars = [...text.replace(/\s/g, '')].length
  const words = (text.match(/[A-Za-z0-9][A-Za-z0-9'’_-]*/g) ?? []).length
  return { chars, words }
}
