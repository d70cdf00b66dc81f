"""The private calendar feed: turning it on from the Account page."""

import re


def feed_url(client):
    """Turn on the user's calendar feed; its path (what a calendar app would fetch, without a session)."""
    client.post("/account/calendar")
    page = client.get("/account").get_data(as_text=True)
    return re.search(r'id="calendar-url" type="text" value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)
