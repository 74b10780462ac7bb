"""Accounts of the people who run and read sessions, and what each may see and run."""
