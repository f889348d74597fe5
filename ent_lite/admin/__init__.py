"""City administration pages: roster imports, staff invitations."""
