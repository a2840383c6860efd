"""Reading what was fetched: bytes to text in the right charset (decode), a page's title, text, headings and
kind — content or listing — (extract), and its language (lang).

Modules are imported by their full path (``crawler.text.<module>``); this package re-exports nothing.
"""
