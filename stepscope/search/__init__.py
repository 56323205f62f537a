"""Searching executions: the query language (query.py) and the search document (document.py).

Pure: no Django. The web app stores what `document.search_document` returns and translates what
`query.parse_query` returns into database lookups (apps/executions/search.py).
"""
