"""Class, school and city news with read receipts."""
