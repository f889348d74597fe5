"""Photos and documents attached to posts and messages: checked, cleaned, stored, served."""
