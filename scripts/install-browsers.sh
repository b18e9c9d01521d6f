#!/usr/bin/env bash
# Installs the headless engines and their WebDriver servers for scripts/wasm-test.sh, only when
# missing: all from Debian's packages or crates.io, since CI cannot download browser builds.
set -euo pipefail

# CI runs as root; elsewhere use sudo for apt.
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)

# WebKitWebDriver (webkit2gtk-driver) starts MiniBrowser, which libwebkit2gtk-4.1-0 ships and the
# driver depends on; MiniBrowser needs an X display, hence xvfb (xvfb-run needs xauth, which xvfb
# only recommends).
pkgs=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth)
missing=()
for pkg in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == 'install ok installed' ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# Debian has no geckodriver package; crates.io does. Pinned and --locked so CI builds the same one.
geckodriver_version=0.37.1
gecko=${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver
have=$("$gecko" --version 2>/dev/null || true)
if [[ $have != "geckodriver $geckodriver_version"* ]]; then
    cargo install geckodriver --version "$geckodriver_version" --locked
fi

minibrowser=$(compgen -G '/usr/lib/*/webkit2gtk-4.*/MiniBrowser' | head -n1 || true)
[[ -n $minibrowser ]] || { echo "MiniBrowser not found" >&2; exit 1; }

# One line per tool. /usr/bin/chromium's wrapper prints a harmless shell warning on stderr.
chromium --version 2>/dev/null
chromedriver --version
firefox-esr --version
gecko_version=$("$gecko" --version)
echo "${gecko_version%%$'\n'*}"
echo "WebKitWebDriver $(dpkg-query -W -f='${Version}' webkit2gtk-driver) ($(command -v WebKitWebDriver))"
minibrowser_pkg=$(dpkg-query -S "$minibrowser" | cut -d: -f1)
echo "MiniBrowser $(dpkg-query -W -f='${Version}' "$minibrowser_pkg") ($minibrowser)"
echo "xvfb $(dpkg-query -W -f='${Version}' xvfb) ($(command -v xvfb-run))"
