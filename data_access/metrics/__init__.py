"""Metric functions: pure functions from frames, an as-of date and settings to frames and figures."""
