"""The offline check: the page must load nothing from outside itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _ResourceFinder(HTMLParser):
    LOADS = {
        "script": ["src"],
        "link": ["href"],
        "img": ["src", "srcset"],
        "iframe": ["src"],
        "frame": ["src"],
        "source": ["src", "srcset"],
        "video": ["src", "poster"],
        "audio": ["src"],
        "track": ["src"],
        "embed": ["src"],
        "object": ["data"],
        "input": ["src"],
        "image": ["href", "xlink:href"],
        "use": ["href", "xlink:href"],
        "feimage": ["href", "xlink:href"],
    }
    CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)
    JS_IMPORT = re.compile(r"""(?:\bimport\s*(?:[\w*{}\s,]+from\s*)?|\bimport\s*\(\s*)['"]((?:https?:)?//[^'"]+)['"]""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self._in = None

    def _add(self, tag, attr, url):
        url = url.strip()
        if url and not url.startswith(("data:", "#", "blob:", "about:")):
            self.found.append((tag, attr, url))

    def handle_starttag(self, tag, attrs):
        for attr, value in attrs:
            if value is None:
                continue
            if attr in self.LOADS.get(tag, []):
                if attr == "srcset":  # "url 1x, url 2x": URLs hold no spaces, data: URIs hold commas
                    for token in value.split():
                        if not re.fullmatch(r"[\d.]+[wx],?", token):
                            self._add(tag, attr, token.rstrip(",") if not token.startswith("data:") else token)
                else:
                    self._add(tag, attr, value)
            elif attr == "style":
                for url in self.CSS_URL.findall(value):
                    self._add(tag, "style", url)
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            for url in self.CSS_URL.findall(data):
                self._add("style", "url()", url)
        elif self._in == "script":
            for url in self.JS_IMPORT.findall(data):
                self._add("script", "import", url)


def external_resources(page: str) -> list[tuple[str, str, str]]:
    """Every resource the page would load from outside itself: (tag, attribute, URL).

    Links a reader may click (<a href>) load nothing and are not listed; data: URIs are embedded."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    return sorted(set(finder.found))
