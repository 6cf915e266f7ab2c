import { markMounted } from './lib/startup' // first, so its clock starts when the UI's code does
import { mount } from 'svelte'
import App from './App.svelte'
import './style.css'

mount(App, { target: document.getElementById('app')! })
markMounted()
