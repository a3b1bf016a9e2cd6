"""Crafted input that every search box must answer with a normal page."""

from __future__ import annotations

# Far too long (SQLite refuses a LIKE pattern over 50,000 bytes), a NUL (PostgreSQL refuses it in
# a string), thousands of words, control characters, an invisible character around a word.
CRAFTED_QUERIES = ["a" * 100_000, "a\x00b", "\x00", "ada " * 5000, "a\x1b[31mb", "\u200bada"]
