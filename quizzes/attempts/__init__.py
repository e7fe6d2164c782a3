"""Taking a quiz: starting, answering and submitting attempts, attempt state and the quiz card."""
