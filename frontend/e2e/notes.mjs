// Study-group notes made up for the end-to-end specs.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// notes writes n notes as JSON Lines into a new folder and returns the file.
export function notes(name, n) {
  const lines = []
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({
      id: `${name}-${i}`,
      title: `勉強会メモ ${name} ${i}`,
      body: `第${i}回の勉強会。Bytebase でスキーマ移行を試し、ポストモーテムの書き方を話した。\n`.repeat(8),
      date: `2023-${String((i % 12) + 1).padStart(2, '0')}-15`,
      tags: ['勉強会'],
    }))
  }
  const file = join(mkdtempSync(join(tmpdir(), 'tsuzuri-e2e-src-')), `${name}.jsonl`)
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}
