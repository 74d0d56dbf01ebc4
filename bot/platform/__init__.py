"""The Platform for Partnerships: needs, offers, who may see them, matching, and what follows a save."""
