"""Pages for people: the same services as the JSON API, as server-rendered Chinese pages with cookie sessions."""
