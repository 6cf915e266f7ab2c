# Sourced by the scripts that run the real window: a private X server, and
# the environment WebKitGTK needs in a root container without a GPU.

# start_xvfb starts an X server on a free-looking display; it sets display
# and xvfb_pid, which the caller's exit trap kills.
start_xvfb() {
  display=:$((90 + RANDOM % 100))
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
  xvfb_pid=$!
  for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
}

# window_env gives the app a fresh home under $1, in Japanese, and WebKitGTK
# no sandbox and no compositing.
window_env() {
  export HOME=$1/home XDG_CONFIG_HOME=$1/config XDG_DATA_HOME=$1/data LANG=ja_JP.UTF-8
  export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 LIBGL_ALWAYS_SOFTWARE=1
  mkdir -p "$HOME"
}
