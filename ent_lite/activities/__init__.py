"""The city's holiday and leisure activities: catalogue, registration, lottery, rosters, indicator."""
