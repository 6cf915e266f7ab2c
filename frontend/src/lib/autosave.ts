export type SaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error'

/**
 * Autosaver saves a draft a moment after typing stops, at once when asked
 * (switching entries, closing the window), and never runs two saves of the
 * same entry at the same time: a change made during a save is saved after it.
 */
export class Autosaver<T> {
  private timer: ReturnType<typeof setTimeout> | undefined
  private pending: T | undefined
  private running: Promise<void> | undefined
  state: SaveState = 'idle'

  constructor(
    private readonly save: (draft: T) => Promise<void>,
    private readonly onState: (s: SaveState, err?: unknown) => void,
    private readonly delayMs = 800,
  ) {}

  /** change records a new draft and schedules its save. */
  change(draft: T): void {
    this.pending = draft
    this.set('dirty')
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.flush(), this.delayMs)
  }

  /** flush saves the pending draft now and resolves when everything is saved. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    while (this.running) await this.running
    const draft = this.pending
    if (draft === undefined) return
    this.pending = undefined
    this.set('saving')
    this.running = this.save(draft).then(
      () => this.set(this.pending === undefined ? 'saved' : 'dirty'),
      (err: unknown) => {
        // Keep the draft so the next flush tries again: typed text is never dropped.
        if (this.pending === undefined) this.pending = draft
        this.set('error', err)
      },
    )
    await this.running
    this.running = undefined
    if (this.pending !== undefined && this.state !== 'error') await this.flush()
  }

  /** discard drops the draft not yet saved (the person chose another text). */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.pending = undefined
    if (!this.running) this.set('idle')
  }

  private set(s: SaveState, err?: unknown) {
    this.state = s
    this.onState(s, err)
  }
}
