"""Reminders: the nudges the bot sends on the Convention's calendar (the Article 7 reports, Platform
updates before the meetings, stale entries, the ISU's weekly digest), each exactly once through the
delivery ledger (storage/ledger.py)."""
