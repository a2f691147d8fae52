"""The rules engine: the only package that touches durable-rules (in runner.py)."""
