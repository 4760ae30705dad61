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
