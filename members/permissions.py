"""The permissions each role's group holds: used by their data migration and their post_migrate handler.

Each group holds exactly what its role needs (docs/regions.md):

- Officers run the ballots of the constituencies they are named for: members, wards, affiliates.
- Regional officers run a region: everything an officer does, for every constituency of their
  region, and besides that create constituencies, invite officers and scrutineers, set up rounds.
- Scrutineers read the ballots of the constituencies given to them, and change nothing.
"""

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

REGIONAL_OFFICER_PERMISSIONS = [
    *OFFICER_PERMISSIONS,
    ("members", "run_region"),
    ("members", "view_region"),
    ("members", "add_constituency"),
    ("members", "change_constituency"),
    ("members", "add_invitation"),
    ("members", "change_invitation"),
    ("members", "view_invitation"),
]

SCRUTINEER_PERMISSIONS = [
    ("members", "scrutinise_ballots"),
    ("members", "view_constituency"),
]

# Group name -> its permissions. The names are members.models' *_GROUP constants (not imported
# here, so that migrations can read this module without loading the models).
GROUP_PERMISSIONS = {
    "Officers": OFFICER_PERMISSIONS,
    "Regional officers": REGIONAL_OFFICER_PERMISSIONS,
    "Scrutineers": SCRUTINEER_PERMISSIONS,
}
