"""Tests of the import engine (members/imports/): headers, values, preview and confirm, safety."""
