"""A guardian's data rights: the "my data" page, contact-data correction and the export ZIP."""
