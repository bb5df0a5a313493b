"""Tests of the officers' side of a ballot, a module per job as in ballots/officer/."""
