"""A region's set-up without the admin: its constituencies and wards, invitations and who has access."""
