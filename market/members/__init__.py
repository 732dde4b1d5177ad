"""Members' 双报到: reporting to a residence community, their profile, and who reported in."""
