"""Management commands of officer accounts: resetting a lost authenticator."""
