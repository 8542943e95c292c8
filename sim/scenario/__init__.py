"""Scenario files: the schema, loading (extends, --set), cross-field checks, sweep files and plain-English wording."""
