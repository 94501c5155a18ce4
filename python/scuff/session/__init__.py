"""The session file: what a group is made of, in one versioned zip file (docs/sessions.md)."""
