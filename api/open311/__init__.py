"""Open311 GeoReport v2 at /open311/v2/ (../shared/open311/): public tickets only, never personal data."""
