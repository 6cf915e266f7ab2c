// A comma separates tags wherever they are typed, as it does in imports
// and in the core, so "旅行, 京都" is two tags, shown as two chips at once.

/** addTags returns tags with those typed in text added (trimmed, without a leading #, each once ignoring case). */
export function addTags(tags: string[], text: string): string[] {
  const out = [...tags]
  for (const part of text.split(',')) {
    const tag = part.trim().replace(/^#/, '').trim()
    if (tag && !out.some((x) => x.toLowerCase() === tag.toLowerCase())) out.push(tag)
  }
  return out
}
