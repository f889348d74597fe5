"""When a school year starts: shared by the school rules and the retention policy, which must
agree on it (a school year's content is deleted counting from the next start)."""
from __future__ import annotations

# French school years start in September (the exact day of "la rentrée" varies; the 1st counts).
SCHOOL_YEAR_START_MONTH = 9
