"""Figures: CJK glyphs drawn (or the build stops), status styles that survive greyscale, stable SVG."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb

from analysis import figures


@pytest.fixture(autouse=True)
def _fresh_style():
    figures.cjk_font.cache_clear()
    with plt.rc_context():
        yield
    figures.cjk_font.cache_clear()


def _cells():
    return [
        {"region_code": "530600", "indicator_id": "a", "status": "achieved"},
        {"region_code": "530600", "indicator_id": "a", "status": "not_achieved"},
        {"region_code": "430300", "indicator_id": "b", "status": "insufficient_data"},
    ]


def test_a_cjk_font_is_installed_for_the_build():
    family = figures.cjk_font()  # fails here, naming the packages, on a machine without one
    assert family in figures.CJK_FONTS


def test_no_cjk_font_stops_the_build_naming_the_packages(monkeypatch):
    monkeypatch.setattr(figures, "CJK_FONTS", ["No Such Font Family"])
    with pytest.raises(figures.FigureError, match="fonts-noto-cjk"):
        figures.cjk_font()


def test_a_glyph_the_font_cannot_draw_fails_instead_of_drawing_a_box():
    figures.setup()
    plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]  # no Chinese glyphs in this one
    fig, ax = plt.subplots()
    ax.set_title("达标率 attainment rate")
    with pytest.raises(figures.FigureError, match="cannot draw"):
        figures.to_svg(fig)


def test_svg_keeps_labels_as_text_and_the_page_embeds_the_font_they_need():
    figures.setup()
    fig, ax = plt.subplots()
    ax.set_title("昭通市 Zhaotong City")
    svg = figures.to_svg(fig)
    assert svg.startswith("<svg") and "Date" not in svg
    assert figures.svg_has_text(svg) and "昭通市 Zhaotong City" in svg  # searchable, selectable text
    css = figures.font_face_css()
    assert css.startswith("<style>@font-face") and "url(data:font/" in css
    assert {"昭", "通", "市"} <= figures.DRAWN_TEXT
    assert css == figures.font_face_css(), "the same characters give the same bytes"
    assert len(css) < len(figures.font_face_css(extra="学前教育毛入园率巩固率高中阶段")), "a subset, not the font"


def test_status_styles_differ_by_hatch_and_by_grey_level():
    hatches = [s.hatch for s in figures.STATUSES]
    assert len(set(hatches)) == len(hatches)
    greys = [round(sum(w * c for w, c in zip((0.299, 0.587, 0.114), to_rgb(s.colour))), 2)
             for s in figures.STATUSES]
    assert len(set(greys)) == len(greys)
    assert set(figures.ASSESSABLE) == set(figures.STATUS) - {"insufficient_data"}


def test_a_cell_shows_its_least_favourable_assessable_status():
    assert figures._cell_status(["achieved", "not_achieved", "insufficient_data"]) == "not_achieved"
    assert figures._cell_status(["on_track", "insufficient_data"]) == "on_track"
    assert figures._cell_status(["insufficient_data"]) == "insufficient_data"


def test_heatmap_has_a_legend_for_every_status_and_is_byte_stable():
    figures.setup()
    regions = [("430300", "湘潭市 Xiangtan"), ("530600", "昭通市 Zhaotong")]
    indicators = [("a", "指标甲 indicator A"), ("b", "指标乙 indicator B")]
    fig = figures.heatmap(_cells(), regions, indicators)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [s.label for s in figures.STATUSES]
    counts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert counts == ["1", "2"]  # two targets in (530600, a), one in (430300, b), nothing elsewhere
    first = figures.to_svg(fig)
    second = figures.to_svg(figures.heatmap(_cells(), regions, indicators))
    assert first == second


def test_series_chart_says_no_data_and_marks_a_target_without_year():
    figures.setup()
    fig = figures.series_chart("学前教育毛入园率", "%", [], "实际 actual", [
        {"label": "目标 T1", "value": 60.0, "year": None, "baseline_value": None, "baseline_year": None}], [])
    ax = fig.axes[0]
    assert any("no data" in t.get_text() for t in ax.texts)
    assert any("year missing" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(fig)


def test_series_chart_labels_context_as_context():
    figures.setup()
    fig = figures.series_chart("指标", "%", [(2022, 80.0, "s1"), (2024, 88.0, "s1")], "实际 actual: 昭通市",
                               [{"label": "目标 T2", "value": 91.0, "year": 2025, "baseline_value": 80.0,
                                 "baseline_year": 2022}],
                               [("背景 context: 云南省 (not this region's actual)", [(2024, 91.5)])])
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("背景 context") and "not this region's actual" in labels[0]
    assert ax.get_xlim() == (2021.5, 2025.5)
    assert "所需路径 path from the baseline to the target" in labels
    assert "来源变更 source changes" not in labels  # one source: no break
    plt.close(fig)


def test_series_chart_breaks_the_line_where_the_source_changes():
    figures.setup()
    fig = figures.series_chart("指标", "%", [(2021, 80.0, "a"), (2022, 82.0, "a"), (2023, 85.0, "b")], "实际 actual",
                               [], [])
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [list(line.get_xdata()) for line in lines] == [[2021, 2022], [2023]]
    assert "来源变更 source changes" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)
