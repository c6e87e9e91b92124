"""Hand-written YAML (``params.yaml``, the ``.meta.yaml`` beside every raw file), read safely and strictly.

``yaml.safe_load`` already refuses tags that would build Python objects, but it keeps the last of two equal
keys without a word, so a second ``as_of:`` or ``sha256:`` would silently win. Here a repeated key, a file
that is not UTF-8 and a YAML syntax error are each one error naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice (the second would silently replace the first)",
                    key_node.start_mark)
            if isinstance(key, (str, int, float, bool)):
                seen.add(key)
        return super().construct_mapping(node, deep)


def read_yaml(path: Path, name: str) -> Any:
    """The YAML document of ``path``; ``name`` is how messages call the file."""
    data = Path(path).read_bytes()
    try:
        return yaml.load(data.decode("utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(name, f"not UTF-8 (undecodable byte at byte {exc.start}); save it as UTF-8",
                         row=line) from None
    except yaml.YAMLError as exc:
        raise InputError(name, f"not valid YAML: {' '.join(str(exc).split())}") from None
