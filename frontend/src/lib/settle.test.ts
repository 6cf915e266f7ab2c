import { describe, expect, it } from 'vitest'
import { typingSettled } from './settle'

describe('typingSettled', () => {
  it('waits while keys keep coming, then resolves', async () => {
    const start = performance.now()
    const key = () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }))
    key()
    const keys = setInterval(key, 30)
    setTimeout(() => clearInterval(keys), 200)
    await typingSettled(100, 2000)
    expect(performance.now() - start).toBeGreaterThanOrEqual(280)
  })

  it('does not wait when nobody is typing', async () => {
    await new Promise((r) => setTimeout(r, 120))
    const start = performance.now()
    await typingSettled(100, 2000)
    expect(performance.now() - start).toBeLessThan(50)
  })

  it('gives up after most', async () => {
    const keys = setInterval(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' })), 10)
    const start = performance.now()
    await typingSettled(100, 300)
    clearInterval(keys)
    expect(performance.now() - start).toBeLessThan(600)
  })
})
