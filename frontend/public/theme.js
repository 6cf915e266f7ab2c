// Runs before the app: paint the dark background at once, so a dark
// system never sees a white flash while the app loads its settings.
if (matchMedia('(prefers-color-scheme: dark)').matches) document.documentElement.dataset.theme = 'dark'
