// A line diff for the history view: what changed between an earlier
// version and the current text. Small and dependency-free: common lines at
// both ends are set aside, and the rest is compared by longest common
// subsequence, which is exact for the sizes of diary entries.

export type DiffLine = { kind: 'same' | 'add' | 'del'; text: string }

/** Beyond this many cells the middle is shown as removed then added. */
const maxCells = 4_000_000

/** lineDiff lists the lines of a and b, marking those only in a as 'del'
 *  and those only in b as 'add'. */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = splitLines(a)
  const y = splitLines(b)
  let start = 0
  while (start < x.length && start < y.length && x[start] === y[start]) start++
  let endX = x.length
  let endY = y.length
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--
    endY--
  }
  const out: DiffLine[] = x.slice(0, start).map((text) => ({ kind: 'same', text }))
  out.push(...middle(x.slice(start, endX), y.slice(start, endY)))
  out.push(...x.slice(endX).map((text): DiffLine => ({ kind: 'same', text })))
  return out
}

function splitLines(s: string): string[] {
  return s === '' ? [] : s.replace(/\r\n/g, '\n').split('\n')
}

function middle(x: string[], y: string[]): DiffLine[] {
  const n = x.length
  const m = y.length
  if (n * m > maxCells) {
    return [...x.map((text): DiffLine => ({ kind: 'del', text })), ...y.map((text): DiffLine => ({ kind: 'add', text }))]
  }
  // lcs[i * w + j] is the LCS length of x[i:] and y[j:]; typed arrays read
  // past their end as undefined, hence the ?? 0.
  const w = m + 1
  const lcs = new Uint32Array((n + 1) * w)
  const at = (i: number, j: number): number => lcs[i * w + j] ?? 0
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1))
    }
  }
  const out: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    const a = x[i] as string
    const b = y[j] as string
    if (a === b) {
      out.push({ kind: 'same', text: a })
      i++
      j++
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.push({ kind: 'del', text: a })
      i++
    } else {
      out.push({ kind: 'add', text: b })
      j++
    }
  }
  for (; i < n; i++) out.push({ kind: 'del', text: x[i] as string })
  for (; j < m; j++) out.push({ kind: 'add', text: y[j] as string })
  return out
}

export type DiffRow = DiffLine | { kind: 'skip'; count: number }

/** foldUnchanged keeps context lines around each change and folds the
 *  unchanged runs between them into one 'skip' row. */
export function foldUnchanged(lines: DiffLine[], context = 2): DiffRow[] {
  const near = new Array<boolean>(lines.length).fill(false)
  lines.forEach((l, i) => {
    if (l.kind === 'same') return
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) near[k] = true
  })
  const out: DiffRow[] = []
  let skipped = 0
  lines.forEach((l, i) => {
    if (near[i]) {
      if (skipped) out.push({ kind: 'skip', count: skipped })
      skipped = 0
      out.push(l)
    } else skipped++
  })
  if (skipped) out.push({ kind: 'skip', count: skipped })
  return out
}

/** SideRow is one row of a side-by-side comparison: a line both texts
 *  share, a changed stretch with the left text's line and the right's (null
 *  where one side has fewer lines), or unchanged lines folded away. */
export type SideRow =
  | { kind: 'same'; text: string }
  | { kind: 'change'; left: string | null; right: string | null }
  | { kind: 'skip'; count: number }

/** changeRuns groups lineDiff's output into shared lines and stretches of
 *  change, each with the lines only left has and the lines only right has. */
function changeRuns(left: string, right: string): ({ same: string } | { lefts: string[]; rights: string[] })[] {
  const out: ({ same: string } | { lefts: string[]; rights: string[] })[] = []
  let run: { lefts: string[]; rights: string[] } | null = null
  for (const l of lineDiff(left, right)) {
    if (l.kind === 'same') {
      run = null
      out.push({ same: l.text })
      continue
    }
    if (!run) {
      run = { lefts: [], rights: [] }
      out.push(run)
    }
    ;(l.kind === 'del' ? run.lefts : run.rights).push(l.text)
  }
  return out
}

/** sideBySide lines up left and right for reading next to each other:
 *  changed stretches face each other, unchanged lines away from any change
 *  are folded (context lines kept around each change). */
export function sideBySide(left: string, right: string, context = 2): SideRow[] {
  const rows: SideRow[] = []
  for (const r of changeRuns(left, right)) {
    if ('same' in r) {
      rows.push({ kind: 'same', text: r.same })
      continue
    }
    for (let i = 0; i < Math.max(r.lefts.length, r.rights.length); i++) {
      rows.push({ kind: 'change', left: r.lefts[i] ?? null, right: r.rights[i] ?? null })
    }
  }
  const near = rows.map(() => false)
  rows.forEach((row, i) => {
    if (row.kind !== 'change') return
    for (let k = Math.max(0, i - context); k <= Math.min(rows.length - 1, i + context); k++) near[k] = true
  })
  const out: SideRow[] = []
  let skipped = 0
  rows.forEach((row, i) => {
    if (near[i]) {
      if (skipped) out.push({ kind: 'skip', count: skipped })
      skipped = 0
      out.push(row)
    } else skipped++
  })
  if (skipped) out.push({ kind: 'skip', count: skipped })
  return out
}

/** unionMerge is a starting point for merging by hand: every line of both
 *  texts once, in order, each changed stretch as left's lines then right's.
 *  Nothing either side wrote is missing from it. */
export function unionMerge(left: string, right: string): string {
  const lines: string[] = []
  for (const r of changeRuns(left, right)) {
    if ('same' in r) lines.push(r.same)
    else lines.push(...r.lefts, ...r.rights)
  }
  return lines.join('\n')
}
