"""MediaWiki import, export and sync."""
