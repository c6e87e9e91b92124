"""Figures of the report: the status heat map and the series-against-target charts.

Figures are written as SVG whose labels stay text (``svg.fonttype: none``): a reader can search, copy
and have them read aloud. So that Chinese labels look the same for every reader, whether or not their
system has a CJK font, the page embeds the build's CJK font cut down to the characters the figures use
(:func:`font_face_css`, a few tens of kB). That needs a CJK font at *build* time: :func:`cjk_font` finds
one or stops the build, and :func:`to_svg` turns matplotlib's "Glyph … missing from font" warning into an
error, so a figure with empty boxes in place of characters is never written.
"""

from __future__ import annotations

import html
import io
import math
import re
import textwrap
import warnings
from functools import cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from .startup import import_seaborn  # noqa: E402
from .vocabulary import ASSESSABLE, STATUS, STATUSES  # noqa: E402, F401  (STATUS: for callers)

# Fonts that cover simplified Chinese, in order of preference. The Debian packages that provide them.
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Droid Sans Fallback"]
CJK_PACKAGES = "fonts-noto-cjk (or fonts-wqy-microhei)"
CJK_SAMPLE = "达标率实际目标背景云南省昭通市湘潭市广西壮族自治区百色市学前教育毛入园率全国"


class FigureError(RuntimeError):
    """A figure cannot be drawn correctly (no CJK font, a glyph missing): the build must stop."""


# Colours, hatches and labels of the statuses are the vocabulary's (one place for each status).


def _find_cjk_font() -> str | None:
    for family in CJK_FONTS:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        font = font_manager.get_font(path)
        if all(font.get_char_index(ord(ch)) for ch in CJK_SAMPLE):
            return family
    return None


@cache
def cjk_font() -> str:
    """Family name of an installed font that has every character of CJK_SAMPLE; FigureError if none.

    matplotlib caches its font list: a font installed after that cache was written is found by a
    rescan of the system font folders before giving up."""
    family = _find_cjk_font()
    if family is None:
        known = {f.fname for f in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        family = _find_cjk_font()
    if family is None:
        raise FigureError(f"no font with Chinese glyphs found (tried {', '.join(CJK_FONTS)}): install the "
                          f"Debian package {CJK_PACKAGES} and rebuild. The report is not built with empty "
                          f"boxes in place of Chinese characters.")
    return family


def setup() -> None:
    """matplotlib settings for deterministic SVG with text as text and a CJK font first."""
    family = cjk_font()
    plt.rcParams.update({
        "svg.fonttype": "none",  # text stays text: searchable, selectable; the page embeds the font subset
        "svg.hashsalt": "edugap",  # stable ids: same inputs, same bytes
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 96,
        "font.size": 9,
    })


def to_svg(fig) -> str:
    """The figure as SVG text (no date, no XML prolog); raises FigureError on any missing glyph."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*missing from (current )?font", category=UserWarning)
        try:
            fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        except UserWarning as exc:
            raise FigureError(f"a figure label has a character the font cannot draw ({exc}); "
                              f"install {CJK_PACKAGES}") from exc
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    DRAWN_TEXT.update("".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)))
    return svg


DRAWN_TEXT: set[str] = set()  # every character the figures of this process have written as text


def font_face_css(extra: str = "") -> str:
    """A <style> with an @font-face for the CJK font, cut down to the characters the figures drew (and
    ``extra``), embedded as a data: URI: the page stays one offline file and its charts read the same
    everywhere. Deterministic: the font's own timestamps are kept."""
    import base64

    from fontTools import subset
    from fontTools.ttLib import TTFont

    family = cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    number = _font_number(path, family)
    font = TTFont(path, fontNumber=number, recalcTimestamp=False, lazy=False) if number is not None else \
        TTFont(path, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = ["*"], ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(DRAWN_TEXT | set(extra) | set(" 0123456789.,-–%()/:"))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    kind = "opentype" if "CFF " in font else "truetype"
    payload = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f"<style>@font-face {{ font-family: '{family}'; src: url(data:font/{'otf' if kind == 'opentype' else 'ttf'};"
            f"base64,{payload}) format('{kind}'); }}</style>")


def _font_number(path: str, family: str) -> int | None:
    """Index of ``family`` inside a font collection (.ttc); None for a single font file."""
    if not path.lower().endswith((".ttc", ".otc")):
        return None
    from fontTools.ttLib import TTCollection

    for number, font in enumerate(TTCollection(path, lazy=True)):
        if font["name"].getDebugName(1) == family:
            return number
    return 0


def wrap(text: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(text, width)) if text else text


def _cell_status(statuses: list[str]) -> str:
    """Least favourable assessable status; insufficient_data only when nothing could be assessed."""
    order = [s.code for s in STATUSES]
    assessable = [s for s in statuses if s in ASSESSABLE]
    return max(assessable, key=order.index) if assessable else "insufficient_data"


def heatmap(cells: list[dict], regions: list[tuple[str, str]], indicators: list[tuple[str, str]]):
    """Indicators (rows) × regions (columns); colour + hatch = status, number = targets in the cell.

    ``cells``: dicts with region_code, indicator_id, status (one per target). ``regions`` and
    ``indicators``: (id, label) in display order. Long bilingual indicator names read across, so
    indicators are the rows.
    """
    import numpy as np
    sns = import_seaborn()

    codes = [s.code for s in STATUSES]
    grid = np.full((len(indicators), len(regions)), np.nan)
    counts = np.zeros_like(grid)
    for i, (indicator, _) in enumerate(indicators):
        for j, (region, _) in enumerate(regions):
            found = [c["status"] for c in cells
                     if c["indicator_id"] == indicator and c["region_code"] == region]
            if found:
                grid[i, j] = codes.index(_cell_status(found))
                counts[i, j] = len(found)
    width = 1.0 * len(regions)
    height = 0.3 * sum(label.count("\n") + 1 for _, label in indicators)
    fig, ax = plt.subplots(figsize=(max(width, 4.0), max(height, 1.5)))
    sns.heatmap(grid, ax=ax, cmap=ListedColormap([s.colour for s in STATUSES]), vmin=-0.5,
                vmax=len(STATUSES) - 0.5, cbar=False, linewidths=1.5, linecolor="white",
                xticklabels=[wrap(label, 9) for _, label in regions],
                yticklabels=[label for _, label in indicators], mask=np.isnan(grid))
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if math.isnan(grid[i, j]):
                continue
            style = STATUSES[int(grid[i, j])]
            ax.add_patch(Rectangle((j, i), 1, 1, fill=False, hatch=style.hatch, edgecolor="#333333",
                                   linewidth=0))
            ax.text(j + 0.5, i + 0.5, f"{int(counts[i, j])}", ha="center", va="center", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0, labeltop=True, labelbottom=False, top=True, bottom=False)
    ax.tick_params(axis="y", rotation=0)
    handles = [Patch(facecolor=s.colour, hatch=s.hatch, edgecolor="#333333", label=s.label)
               for s in STATUSES]
    ax.legend(handles=handles, title="状态 Status (空白 blank = 无目标 no target)", loc="upper right",
              bbox_to_anchor=(1.0, -0.02), frameon=False, handleheight=1.6, handlelength=2.4, ncol=2)
    return fig


def series_chart(title: str, unit: str, actual: list[tuple[int, float]], actual_label: str,
                 targets: list[dict], context: list[tuple[str, list[tuple[int, float]]]]):
    """One indicator of one region: its observed series, its targets with the path from the baseline, and
    labelled context series.

    ``actual``: (year, value, source_id) — the points the assessment used; ``targets``: dicts with label,
    value, year (may be None), baseline_value, baseline_year.
    ``context``: (label, points) — shown grey and dashed, never as the region's actual.
    """
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    for k, (label, points) in enumerate(context):
        if points:
            xs, ys = zip(*sorted(points))
            ax.plot(xs, ys, linestyle="--", marker="s", markersize=4, color=["#777777", "#AAAAAA"][k % 2],
                    label=label)
    if actual:
        # One line per run of points from the same source: where the source changes the line breaks and a
        # faint vertical rule marks it, so a change of source is never read as a change of the indicator.
        runs, previous = [], None
        for year, value, source in sorted(actual):
            if source != previous:
                runs.append([])
                previous = source
            runs[-1].append((year, value))
        for k, run in enumerate(runs):
            xs, ys = zip(*run)
            ax.plot(xs, ys, marker="o", color="#0072B2", linewidth=2, label=actual_label if k == 0 else None)
            if k:
                ax.axvline(run[0][0] - 0.5, color="#0072B2", linestyle=(0, (1, 3)), linewidth=0.8,
                           label="来源变更 source changes" if k == 1 else None)
    else:
        ax.text(0.02, 0.92, "无本地区数据 no data for this region", transform=ax.transAxes,
                color="#D55E00", fontsize=9)
    for target in targets:
        value, year = target["value"], target["year"]
        if value is None:
            continue
        if year is None:
            ax.axhline(value, color="#D55E00", linestyle=":", linewidth=1.2,
                       label=f"{target['label']} (年份缺失 year missing)")
            continue
        ax.plot([year], [value], marker="*", markersize=13, color="#D55E00", linestyle="none",
                label=target["label"])
        if target.get("baseline_value") is not None and target.get("baseline_year") is not None:
            ax.plot([target["baseline_year"], year], [target["baseline_value"], value], color="#D55E00",
                    linestyle=":", linewidth=1.2, label="所需路径 path from the baseline to the target")
    years = [x for _, points in context for x, _ in points] + [x for x, _, _ in actual]
    years += [t[k] for t in targets for k in ("year", "baseline_year") if t.get(k) is not None]
    if years:
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    else:
        ax.set_xticks([])
    low, high = ax.get_ylim()
    if high - low < 1:  # one value only: give the axis some room instead of a microscope
        ax.set_ylim(low - 1, high + 1)
    ax.set_title(title, loc="left", fontsize=10)
    ax.set_ylabel(unit)
    ax.set_xlabel("年份 year")
    if years:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, color="#EEEEEE")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return fig


def svg_has_text(svg: str) -> bool:
    """True if the SVG still holds <text> elements (glyphs not converted to paths)."""
    return re.search(r"<text[\s>]", svg) is not None
