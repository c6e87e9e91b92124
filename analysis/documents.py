"""The policy documents: their metadata lives in the ``.meta.yaml`` beside each raw text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .paths import raw_dir, relative
from .snapshot import load_meta, read_raw_text


@dataclass(frozen=True)
class Document:
    document_id: str
    path: Path
    title: str
    region_code: str | None
    plan_period_start: int | None
    plan_period_end: int | None
    script: str
    cleanups: tuple[str, ...]
    known_defects: tuple[str, ...]
    meta: dict = field(repr=False, compare=False)

    def raw_text(self) -> str:
        return read_raw_text(self.path)


def policies_dir() -> Path:
    return raw_dir() / "policies"


def load_documents() -> list[Document]:
    """Every plan under data/raw/policies, sorted by document id."""
    documents = []
    for path in sorted(policies_dir().glob("*.txt")):
        meta = load_meta(path)  # checked against analysis.metadata.PlanMeta
        documents.append(Document(
            document_id=str(meta["document_id"]), path=path, title=meta["title"],
            region_code=meta["region_code"],
            plan_period_start=meta["plan_period_start"], plan_period_end=meta["plan_period_end"],
            script=meta["script"], cleanups=tuple(meta["cleanups"] or ()),
            known_defects=tuple(meta["known_defects"] or ()), meta=meta))
    ids = [d.document_id for d in documents]
    if len(set(ids)) != len(ids):
        raise InputError(relative(policies_dir()), f"duplicated document_id in metadata: {ids}")
    return sorted(documents, key=lambda d: d.document_id)


def document_by_id(document_id: str) -> Document:
    for document in load_documents():
        if document.document_id == document_id:
            return document
    raise KeyError(document_id)
