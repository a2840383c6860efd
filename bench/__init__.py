"""The performance benchmark: generated corpora from real text, modusearch vs tantivy vs SQLite FTS5.

Run by hand (not in CI): ``python -m bench run --sizes 1000,10000,100000``; see docs/benchmark.md.
"""
