"""Field-by-field changes between two procedure records (for the audit log and the diff
the admin pages show)."""

from __future__ import annotations

from typing import Any


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        if not value:
            return {prefix: []}
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}.{i}"))
        return out
    return {prefix: value}


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field changes between two records: ``[{path, before, after}]``."""
    old = _flatten(before or {})
    new = _flatten(after)
    paths = sorted(set(old) | set(new))
    return [
        {"path": p, "before": old.get(p), "after": new.get(p)}
        for p in paths
        if old.get(p) != new.get(p) and not (old.get(p) in (None, []) and new.get(p) in (None, []))
    ]


def _short(value: Any, width: int) -> Any:
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    return value


def for_audit(
    changes: list[dict[str, Any]], limit: int = 40, width: int = 200
) -> list[dict[str, Any]]:
    """The first ``limit`` changes, long texts cut to ``width`` characters: what the audit
    log keeps so that it can be read as a diff (the versions keep everything)."""
    return [
        {
            "path": c["path"],
            "before": _short(c["before"], width),
            "after": _short(c["after"], width),
        }
        for c in changes[:limit]
    ]
