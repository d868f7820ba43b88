"""Plain data types and services every stage shares: findings, categories, rules, config, discovery."""
