import { describe, expect, it } from 'vitest'
import { highlightCode } from './codehighlight'

describe('code blocks in the preview', () => {
  it('are coloured by language, and text stays text', () => {
    const root = document.createElement('article')
    root.innerHTML = '<pre><code class="language-go">func main() { s := "&lt;img src=x onerror=alert(1)&gt;" }</code></pre><pre><code>plain</code></pre>'
    highlightCode(root)
    const go = root.querySelector('code.language-go')!
    expect(go.querySelector('.hljs-keyword')?.textContent).toBe('func')
    expect(go.querySelector('.hljs-string')?.textContent).toContain('<img')
    expect(root.querySelector('img')).toBeNull() // the string stays a string
    expect(root.querySelectorAll('pre')[1]!.innerHTML).toBe('<code>plain</code>')
  })
})
