"""The question bank: sources, topics, questions and their parts, the bank's rules, grading, YAML fixtures, export and GIFT."""
