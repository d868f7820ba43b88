"""Helpers that validate their input (benchmark corpus: no public function here has a defect)."""
