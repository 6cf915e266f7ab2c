// The editor (CodeMirror, the code highlighter's languages) is most of the
// UI's code, and the first screen is the timeline: loading it with the
// rest made every start parse it first. It loads once the first screen is
// drawn, or as soon as an entry is opened, whichever comes first.

type EditorModule = typeof import('../components/EntryEditor.svelte')

let editor: Promise<EditorModule> | null = null

/** loadEditor loads the editor's code once; later calls share the load. */
export function loadEditor(): Promise<EditorModule> {
  return (editor ??= import('../components/EntryEditor.svelte'))
}
