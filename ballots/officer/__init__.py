"""The officers' side of a ballot: set-up, transitions, voting codes, affiliates' votes, the audit log.

services/ writes, selectors.py reads, views/ the pages (urls.py), forms.py and tables.py theirs.
"""
