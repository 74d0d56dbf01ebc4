"""Registration: who represents which State Party, its focal point, and the roles ISU staff grant."""
