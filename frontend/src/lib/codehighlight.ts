// Colours code blocks of the preview. It runs on the sanitised HTML in
// the page: highlight.js reads each block's text and writes it back as
// escaped text in spans with hljs-* classes, so nothing the sanitiser
// removed can come back. Only the languages a diary of work notes uses
// are bundled; a block in another language stays plain.
import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import css from 'highlight.js/lib/languages/css'
import diff from 'highlight.js/lib/languages/diff'
import dockerfile from 'highlight.js/lib/languages/dockerfile'
import go from 'highlight.js/lib/languages/go'
import java from 'highlight.js/lib/languages/java'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import ruby from 'highlight.js/lib/languages/ruby'
import rust from 'highlight.js/lib/languages/rust'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'

const languages = { bash, css, diff, dockerfile, go, java, javascript, json, python, ruby, rust, sql, typescript, xml, yaml }
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang)
hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' })
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' })
hljs.registerAliases(['yml'], { languageName: 'yaml' })
hljs.registerAliases(['js'], { languageName: 'javascript' })
hljs.registerAliases(['ts'], { languageName: 'typescript' })
hljs.registerAliases(['golang'], { languageName: 'go' })
hljs.registerAliases(['py'], { languageName: 'python' })

/** highlightCode colours the code blocks under root that name a known language. */
export function highlightCode(root: ParentNode): void {
  for (const code of root.querySelectorAll<HTMLElement>('pre > code[class^="language-"]')) {
    const lang = code.className.slice('language-'.length)
    if (!hljs.getLanguage(lang) || code.dataset.highlighted) continue
    const { value } = hljs.highlight(code.textContent ?? '', { language: lang, ignoreIllegals: true })
    code.innerHTML = value
    code.classList.add('hljs')
    code.dataset.highlighted = 'yes'
  }
}
