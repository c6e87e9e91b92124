"""params.yaml: one checked loader; every mistake is one line naming the file and the field."""

from __future__ import annotations

import pytest

from analysis.errors import InputError
from analysis.params import check_params, load_params

GOOD = "as_of: '2026-11-23'\non_track_ratio: 0.95\nneeds_acceleration_ratio: 0.6\nceiling_threshold: 90\n"


@pytest.mark.parametrize("text, message", [
    (GOOD.replace("'2026-11-23'", "'2026-13-45'"), r"params.yaml, column 'as_of': as_of '2026-13-45' is not a date"),
    (GOOD.replace("0.95", "'high'"), r"column 'on_track_ratio': on_track_ratio 'high' is not a number"),
    (GOOD.replace("ceiling_threshold: 90\n", ""), r"column 'ceiling_threshold': missing parameter"),
    (GOOD + "x: !!python/object/apply:os.system ['true']\n", r"params.yaml: not valid YAML"),
    ("- a\n- b\n", r"params.yaml: must be a mapping"),
    (GOOD.replace("0.6", "0.99"), r"needs_acceleration_ratio is above on_track_ratio"),
    (GOOD + "min_assessable_for_rate: 0\n", r"min_assessable_for_rate 0 is not a whole number"),
    # a second as_of silently won, and the error then blamed the observations' years
    (GOOD + "as_of: '2020-01-01'\n", r"params.yaml: not valid YAML: key 'as_of' appears twice"),
])
def test_bad_parameters_are_one_line_naming_the_field(tree, text, message):
    (tree / "params.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_params()


def test_good_parameters_load_with_the_rate_minimum_defaulted(tree):
    (tree / "params.yaml").write_text(GOOD, encoding="utf-8")
    params = load_params()
    assert params["on_track_ratio"] == 0.95 and params["min_assessable_for_rate"] == 5
    assert check_params(dict(params)) == params


def test_a_full_disk_is_one_error_line_and_leaves_no_temporary_file(tree, capsys, monkeypatch):
    """The machine's faults (a full disk, a read-only folder) are not the code's: one line, exit 1."""
    import errno

    from analysis import atomic, statistics

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(atomic.os, "replace", full)
    assert statistics.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: data/interim/staged/") and "No space left on device" in err and len(err.splitlines()) == 1
    assert not [p for p in (tree / "data" / "interim" / "staged").iterdir() if p.name.startswith(".")]
