"""Programmes (leertrajecten), their cases and members: the organiser side, written through one unit of work."""
