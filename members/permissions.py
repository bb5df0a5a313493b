"""The permissions the Officers group holds: used by its data migration and its post_migrate handler."""

OFFICER_PERMISSIONS = [
    ("members", "run_ballots"),
    ("members", "view_constituency"),
    ("members", "add_ward"),
    ("members", "change_ward"),
    ("members", "view_ward"),
    ("members", "add_member"),
    ("members", "change_member"),
    ("members", "view_member"),
    ("members", "add_affiliate"),
    ("members", "change_affiliate"),
    ("members", "view_affiliate"),
]
