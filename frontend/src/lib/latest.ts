/**
 * latest wraps an async function so that only the newest call's result is
 * delivered: results as you type must never be overwritten by the answer
 * to an older, slower query.
 */
export function latest<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  let seq = 0
  return async (...args: A) => {
    const mine = ++seq
    const result = await fn(...args)
    return mine === seq ? result : undefined
  }
}

/** debounce delays fn until calls stop for ms; flush runs a pending call now. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let pending: A | undefined
  const run = () => {
    timer = undefined
    if (pending) {
      const args = pending
      pending = undefined
      fn(...args)
    }
  }
  const call = (...args: A) => {
    pending = args
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(run, ms)
  }
  call.flush = () => {
    if (timer !== undefined) clearTimeout(timer)
    run()
  }
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    pending = undefined
  }
  return call
}
