"""What to crawl and how: the sources file, checked whole before any request (sources), and the crawl
settings with their limits and deadlines (settings).

Modules are imported by their full path (``crawler.config.<module>``); this package re-exports nothing.
"""
