package server

// clientJS defines, before the app's own scripts run, the globals Wails
// would: window.go.desktop.<Struct>.<Method>(...args) returning promises,
// and window.runtime. As in Wails, a failed call rejects with the error's
// text (a string, here the UI's {code,message} JSON), not with an Error, so
// the UI's error handling is exercised the way the app will exercise it.
// Go→JS events arrive over server-sent events.
const clientJS = `(() => {
  const call = (struct, method) => async (...args) => {
    let res
    try {
      res = await fetch('/__bridge/' + struct + '/' + method, { method: 'POST', body: JSON.stringify(args) })
    } catch (e) {
      throw JSON.stringify({ code: 'internal', message: 'The bridge is not running: ' + e })
    }
    const text = await res.text()
    if (!res.ok) throw text.trim()
    return text ? JSON.parse(text) : null
  }
  const structs = new Proxy({}, { get: (_, struct) => new Proxy({}, { get: (_, method) => call(struct, method) }) })
  window.go = { desktop: structs }

  // listeners: name -> [{cb, left}], left = calls remaining (-1: unlimited).
  const listeners = new Map()
  const notify = (name, args) => {
    const list = listeners.get(name)
    if (!list) return
    for (const l of list.slice()) {
      l.cb(...args)
      if (l.left > 0 && --l.left === 0) off(name, l)
    }
  }
  const off = (name, l) => {
    const rest = (listeners.get(name) || []).filter((x) => x !== l)
    if (rest.length) listeners.set(name, rest)
    else listeners.delete(name)
  }
  const onMultiple = (name, cb, max) => {
    const l = { cb, left: max }
    listeners.set(name, [...(listeners.get(name) || []), l])
    return () => off(name, l)
  }
  const log = (level) => (msg) => console.log('[' + level + '] ' + msg)
  window.runtime = {
    EventsOnMultiple: onMultiple,
    EventsOn: (name, cb) => onMultiple(name, cb, -1),
    EventsOnce: (name, cb) => onMultiple(name, cb, 1),
    EventsOff: (name, ...more) => [name, ...more].forEach((n) => listeners.delete(n)),
    EventsOffAll: () => listeners.clear(),
    EventsEmit: (name, ...data) => notify(name, data),
    BrowserOpenURL: (url) => { fetch('/__test/open-url', { method: 'POST', body: JSON.stringify(url) }) },
    WindowSetTitle: (title) => { document.title = title },
    WindowReload: () => location.reload(),
    WindowReloadApp: () => location.reload(),
    Quit: () => { fetch('/__test/quit', { method: 'POST' }) },
    Environment: async () => ({ buildType: 'dev', platform: 'bridge', arch: '' }),
    ClipboardGetText: () => navigator.clipboard.readText(),
    ClipboardSetText: (text) => navigator.clipboard.writeText(text).then(() => true),
    LogPrint: log('print'), LogTrace: log('trace'), LogDebug: log('debug'), LogInfo: log('info'),
    LogWarning: log('warning'), LogError: log('error'), LogFatal: log('fatal'),
  }

  const source = new EventSource('/__bridge/events')
  source.onmessage = (e) => {
    const { name, data } = JSON.parse(e.data)
    notify(name, [data])
  }
})()
`
