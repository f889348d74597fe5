"""Who may post to, read or write to whom: the communication rules, in one place."""
