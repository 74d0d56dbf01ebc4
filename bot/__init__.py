"""pfp: the Platform for Partnerships bot of the Anti-Personnel Mine Ban Convention community."""
