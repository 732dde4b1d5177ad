"""六访: visit plans for key residents, the visits the scheduler makes for them, and coverage."""
