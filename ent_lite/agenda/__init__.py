"""Calendar events, the family calendar and private iCalendar feeds."""
