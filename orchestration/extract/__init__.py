"""Live extraction from the BCH API into immutable raw snapshots (see README.md beside this file)."""

from orchestration.extract.client import BchApiError, BchClient
from orchestration.extract.live import ENDPOINTS, ExtractError, LiveResult, extract_live_snapshot

__all__ = ["ENDPOINTS", "BchApiError", "BchClient", "ExtractError", "LiveResult", "extract_live_snapshot"]
