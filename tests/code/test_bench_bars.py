"""The benchmark judges each bar at the size it was set for (benchmarks/run.py: bars_met)."""

from __future__ import annotations

from benchmarks.run import bars_met


def _stages(targets: int, assess_s: float, assess_mb: float) -> dict:
    ratio = {"time": 1.0, "peak_memory": 1.0}
    return {"assess": {"targets": targets, "wall_s": assess_s, "peak_rss_mb": assess_mb},
            "load": {"ratio_to_floor": ratio, "floor": {"equal": True}},
            "validate": {"ratio_to_floor": ratio, "wall_s": 10.0, "floor_differs": []},
            "reference": {"differences": 0}}


def test_the_two_second_bar_is_judged_up_to_100000_targets_and_the_memory_bar_at_every_size():
    at_100k = bars_met(_stages(100_000, 2.5, 1900), total=100)
    assert at_100k["assess under 2 s (up to 100,000 targets)"] is False and at_100k["assess under 2 GB"] is True
    at_1m = bars_met(_stages(1_000_000, 9.5, 2100), total=100)
    assert not any("2 s" in name for name in at_1m) and at_1m["assess under 2 GB"] is False
