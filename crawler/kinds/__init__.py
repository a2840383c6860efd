"""The three kinds of sources: a lab's web site crawled within its scope (site), a GitHub account's READMEs
through the REST API (github), and single pages such as interviews (pages).

Modules are imported by their full path (``crawler.kinds.<module>``); this package re-exports nothing.
"""
