import { EditorView } from '@codemirror/view'

/**
 * doubledMarker is for a list line where the editor has already continued
 * the list ("- ") and the writer, out of habit, types the marker again: the
 * line reads "- - " once the space is typed. It returns the line as it
 * should be (one marker), or null when the line is anything else.
 */
export function doubledMarker(lineWithSpace: string): string | null {
  const m = /^(\s*)(?:([-*+]) \2|(\d+[.)]) \d+[.)]|([-*+]) ・|(・) ・) $/.exec(lineWithSpace)
  if (!m) return null
  return `${m[1]}${m[2] ?? m[3] ?? m[4] ?? m[5]} `
}

/** sameBullet keeps a typed second list marker from nesting a new list. */
export const sameBullet = EditorView.inputHandler.of((view, from, to, text) => {
  if (text !== ' ' || from !== to || view.state.selection.ranges.length > 1) return false
  const line = view.state.doc.lineAt(from)
  const fixed = doubledMarker(view.state.sliceDoc(line.from, from) + ' ')
  if (fixed === null || from !== line.to) return false
  view.dispatch({
    changes: { from: line.from, to: line.to, insert: fixed },
    selection: { anchor: line.from + fixed.length },
    userEvent: 'input.type',
  })
  return true
})
