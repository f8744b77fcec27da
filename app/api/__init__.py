"""The web layer: pydantic schemas, request building, routes. No mathematics here."""
