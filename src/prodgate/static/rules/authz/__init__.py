"""PG75x: authentication and authorization: unverified tokens, timing-unsafe secret checks, unauthenticated routes, logins that reveal which accounts exist."""
