"""Demo data of the public services, loaded by `manage.py load_demo` (one module per area)."""
