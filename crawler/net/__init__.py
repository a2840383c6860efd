"""Talking to the web politely and safely: connections checked after DNS (network), the fetcher with its
limits, deadlines and conditional requests (fetch), robots.txt (robots), which URLs a source may reach (scope)
and URL normalisation (urls).

Modules are imported by their full path (``crawler.net.<module>``); this package re-exports nothing.
"""
