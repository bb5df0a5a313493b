"""A regional office's pages of its rounds: the round from one file, the dashboard, the round forecast."""
