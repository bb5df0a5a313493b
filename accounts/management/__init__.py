"""Management commands of officer accounts."""
