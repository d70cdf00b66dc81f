"""URL parts for row ids: a number SQLite's INTEGER can hold, else no such page (404).

Werkzeug's `int` converter takes any length of digits, and a number of 2**63 or more then fails in
the query (OverflowError: a 500). `int(max=...)` makes such a URL not match, like any unknown one.
"""

MAX_ID = 2**63 - 1
ID = f"int(max={MAX_ID})"  # use as f"/<{ID}:session_id>"
