"""Scrutineers' read-only pages: the ballots given to them, their turnout, audit log and provisional result."""
