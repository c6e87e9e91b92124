#!/usr/bin/env bash
# Debian packages the build and the tests need, installed only when missing:
#   fonts-noto-cjk     CJK glyphs for the report's figures (the build fails without a CJK font)
#   chromium, chromium-driver   headless browser for the report's browser test
# Needs root and apt-get (as on the project's machines); elsewhere it says what to install.
set -euo pipefail

need=()
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk fontconfig)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: CJK font, chromium and chromedriver present"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system packages: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "system packages missing: ${need[*]}" >&2
echo "install them (Debian/Ubuntu: sudo apt-get install ${need[*]}); without a CJK font the report cannot be built," >&2
echo "without chromium the browser test is skipped." >&2
fc-list :lang=zh 2>/dev/null | grep -q . || exit 1
exit 0
