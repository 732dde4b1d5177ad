"""KPIs (考核指标) of an area, a unit or a member over local dates, computed by SQL aggregation."""
