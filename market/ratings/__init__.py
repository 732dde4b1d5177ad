"""Star ratings (星级): runs per area and period, 公示, objections, final."""
