package server

// clientJS defines, before the app loads, the globals Wails would:
// window.go.desktop.<Struct>.<Method>(...) returning promises rejected with
// the error's message, and window.runtime's event functions.
const clientJS = `(() => {
  const listeners = new Map()
  const call = (struct, method) => async (...args) => {
    const res = await fetch('/__bridge/call/' + struct + '/' + method, { method: 'POST', body: JSON.stringify(args) })
    const text = await res.text()
    if (!res.ok) throw new Error(text.trim())
    return text ? JSON.parse(text) : null
  }
  const structs = new Proxy({}, { get: (_, struct) => new Proxy({}, { get: (_, method) => call(struct, method) }) })
  window.go = { desktop: structs }
  const emit = (name, data) => (listeners.get(name) || []).slice().forEach((cb) => cb(data))
  window.runtime = {
    EventsOn(name, cb) {
      const list = listeners.get(name) || []
      list.push(cb)
      listeners.set(name, list)
      return () => listeners.set(name, (listeners.get(name) || []).filter((x) => x !== cb))
    },
    EventsOff(name) { listeners.delete(name) },
    EventsEmit: emit,
    BrowserOpenURL(url) { fetch('/__bridge/call/System/OpenURL', { method: 'POST', body: JSON.stringify([url]) }) },
  }
  const source = new EventSource('/__bridge/events')
  source.onmessage = (e) => {
    const { name, data } = JSON.parse(e.data)
    emit(name, data)
  }
})()
`
