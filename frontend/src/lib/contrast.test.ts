// WCAG AA asks 4.5:1 for text; the theme's secondary text is checked
// against every background it is drawn on, in both themes.
import { describe, expect, it } from 'vitest'

// Vite's ?raw import: the stylesheet as the app ships it.
import css from '../style.css?raw'

function theme(selector: string): Record<string, string> {
  const start = css.indexOf(selector + ' {')
  const block = css.slice(start, css.indexOf('}', start))
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]))
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p)
  return (x! + 0.05) / (y! + 0.05)
}

describe('contrast', () => {
  it('reads the stylesheet', () => expect(css.length).toBeGreaterThan(100))
  const light = theme(':root')
  const dark = { ...light, ...theme(":root[data-theme='dark']") }
  for (const [name, vars] of [['light', light], ['dark', dark]] as const) {
    it(`keeps secondary text at 4.5:1 in the ${name} theme`, () => {
      const pairs: [string, string][] = [
        ['fg-soft', 'bg'], ['fg-soft', 'bg-raised'], ['fg-soft', 'bg-sunk'],
        ['fg-soft-on-accent', 'accent-soft'], ['fg', 'mark'], ['fg', 'accent-soft'],
        ...['keyword', 'string', 'number', 'comment', 'name', 'meta'].flatMap((c): [string, string][] => [[`code-${c}`, 'bg-sunk'], [`code-${c}`, 'bg']]),
      ]
      for (const [fg, bg] of pairs) {
        expect(contrast(vars[fg]!, vars[bg]!), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5)
      }
    })
  }
})
