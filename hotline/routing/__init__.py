"""Smart dispatch (issue 8): unit suggestions learned from the hotline's own history, keyword
rules, duplicate flags and the import of past work orders (docs/routing.md)."""
