"""Individualised meetings: request, review in the ISU channel, invitations, outcomes and report."""
