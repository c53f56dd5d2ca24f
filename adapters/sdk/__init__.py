"""The adapter SDK: routers, tasks, outcomes, backends, and the machinery that runs them."""
