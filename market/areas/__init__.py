"""Areas: the city → district → street → community → grid tree."""
