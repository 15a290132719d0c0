"""The job pipeline: the Job model, the Redis (RQ) queue and the workers that run jobs with an injected runner."""
