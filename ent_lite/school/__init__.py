"""The city's structure: establishments, groups, children and their guardians; roster import."""
