"""Order-processing helpers (benchmark corpus: every public function here has a defect)."""
