"""Progress lines for people: one per stage event, on stdout and in the Dagster log."""

from __future__ import annotations


def say(context, stage: str, message: str) -> None:
    print(f"  [{stage}] {message}", flush=True)
    if context is not None:
        context.log.info(f"[{stage}] {message}")


def human_bytes(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
