"""The live session: everything only commands.apply() changes, and the read side screens start from."""
